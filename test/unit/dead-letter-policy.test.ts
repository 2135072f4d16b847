import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveDeadLetters } from '#lib/pipeline/dead-letter-policy';
import { keptRaw } from '#lib/store/dead-letters';

describe('dead letters are bounded', () => {
  it('GIVEN no setting THEN they are kept 14 days with up to 256 KiB of raw bytes; a bad keep is named', () => {
    const issues: string[] = [];
    expect(resolveDeadLetters(undefined, issues)).toEqual({
      keepSeconds: 14 * 86_400,
      maxRawBytes: 262_144,
    });
    expect(resolveDeadLetters({ keep: '36h', maxRawBytes: 10 }, issues)).toEqual({
      keepSeconds: 36 * 3600,
      maxRawBytes: 10,
    });
    expect(issues).toEqual([]);
    resolveDeadLetters({ keep: '5m' }, issues);
    resolveDeadLetters({ keep: 'forever' }, issues);
    expect(issues[0]).toBe('deadLetters.keep: must be at least 1h');
    expect(issues[1]).toMatch(/^deadLetters\.keep/);
  });

  it('GIVEN any record and limit THEN the kept bytes are its prefix, with its full length and SHA-256 (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.nat(3000), (data, limit) => {
        const kept = keptRaw(data, limit);
        expect(kept.raw.byteLength).toBe(Math.min(limit, data.byteLength));
        expect(kept.raw.equals(Buffer.from(data).subarray(0, limit))).toBe(true);
        expect(kept.rawBytes).toBe(data.byteLength);
        expect(kept.rawSha256).toBe(createHash('sha256').update(data).digest('hex'));
      }),
    );
  });
});
