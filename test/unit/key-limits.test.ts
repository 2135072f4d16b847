import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { count } from '#lib/aggregates/basic';
import { decodeEvent } from '#lib/engine/decode-event';
import { definePipeline } from '#lib/pipeline/define-pipeline';
import type { InputRecord } from '#lib/records/input-record';
import { maxKeyBytes } from '#lib/store/key-limits';
import { session, sliding, tumbling } from '#lib/windows/index';

const T0 = Date.UTC(2026, 5, 1);
const pipeline = definePipeline({
  name: 'key_limits',
  source: { stream: 's' },
  key: 'k',
  time: 'ts',
  windows: [tumbling('1m'), sliding('10m', '1m'), session('30s')],
  aggregates: { n: count() },
});

function recordWithKey(key: string): InputRecord {
  return {
    shardId: 'shard-0',
    sequenceNumber: 1n,
    partitionKey: 'p',
    data: new TextEncoder().encode(JSON.stringify({ k: key, ts: T0 })),
    arrivedAt: T0,
  };
}

describe('keys and Amazon Keyspaces key quotas', () => {
  it('leave room in the window index (850 bytes of clustering columns) for the longest window name', () => {
    const longest = Math.max(...pipeline.windows.map((w) => w.name.length));
    // close_at and window_start (8 bytes each), the window column with `#panes`, 4 bytes each.
    expect(maxKeyBytes(pipeline) + longest + '#panes'.length + 2 * 8 + 4 * 4).toBe(850);
  });

  it('are taken up to the limit and dead-lettered past it, counted in UTF-8 bytes', () => {
    const limit = maxKeyBytes(pipeline);
    expect(decodeEvent(pipeline, recordWithKey('a'.repeat(limit))).ok).toBe(true);
    const over = decodeEvent(pipeline, recordWithKey('a'.repeat(limit + 1)));
    expect(over).toMatchObject({ ok: false, rejected: { field: 'k' } });
    // Fewer characters than the limit, more bytes: 'é' is 2 bytes in UTF-8.
    const chars = Math.floor(limit / 2) + 1;
    const wide = decodeEvent(pipeline, recordWithKey('é'.repeat(chars)));
    expect(wide.ok).toBe(false);
    if (wide.rejected) {
      expect(wide.rejected.reason).toBe(
        `key is ${2 * chars} bytes in UTF-8, more than the ${limit} a key may have ` +
          '(Amazon Keyspaces caps the window index at 850 bytes of clustering columns)',
      );
    }
  });

  it('decide by byte length alone, whatever the characters', () => {
    const limit = maxKeyBytes(pipeline);
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 600, size: 'max' }),
        (key) => {
          const decoded = decodeEvent(pipeline, recordWithKey(key));
          expect(decoded.ok).toBe(Buffer.byteLength(key) <= limit);
        },
      ),
      { numRuns: 300 },
    );
  });
});
