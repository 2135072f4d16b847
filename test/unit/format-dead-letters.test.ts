import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DeadLetter } from '#lib/store/dead-letter-rows';
import {
  deadLetterDetail,
  deadLetterIdText,
  deadLetterLine,
  parseDeadLetterId,
  rawForTerminal,
} from '../../cli/format-dead-letters.ts';

const HOUR = 3_600_000;
const letter = (overrides: Partial<DeadLetter> = {}): DeadLetter => ({
  source: 'orders',
  hour: Date.UTC(2026, 11, 6, 13),
  shardId: 'shardId-000000000003',
  sequenceNumber: '49590338271490256608559692538361571095921575989136588898',
  partitionKey: 'pk',
  field: 'at',
  reason: 'at: missing',
  raw: Buffer.from('{"x":1}'),
  rawBytes: 7,
  rawSha256: 'ab',
  arrivedAt: Date.UTC(2026, 11, 6, 13, 5),
  recordedAt: Date.UTC(2026, 11, 6, 13, 5, 1),
  ttlSeconds: 86_400,
  readAt: 0,
  ...overrides,
});

describe('dead-letter ids', () => {
  it('GIVEN any hour, shard and sequence number THEN the printed id parses back to the same place', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2_000_000 }),
        fc.stringMatching(/^shardId-\d{12}$/),
        fc.bigInt({ min: 0n, max: 2n ** 190n }),
        (hours, shardId, sequence) => {
          const id = { source: 'p', hour: hours * HOUR, shardId, sequenceNumber: String(sequence) };
          expect(parseDeadLetterId('p', deadLetterIdText(id))).toEqual(id);
        },
      ),
    );
  });

  it('GIVEN text that is no id THEN it is undefined', () => {
    for (const text of [
      'yesterday',
      '2026-12-06/shard/1',
      '2026-12-06T13/shard/x',
      '2026-13-06T13/s/1',
    ])
      expect(parseDeadLetterId('p', text), text).toBeUndefined();
  });
});

describe('dead letters on a terminal', () => {
  it('GIVEN a reason with escape sequences and a newline THEN the line keeps to one row', () => {
    const line = deadLetterLine(letter({ reason: 'key: \u001b[2J\nforged\trow' }));
    expect(line.includes(String.fromCodePoint(0x1b)) || line.includes('\n')).toBe(false);
    expect(line.split('\t')).toHaveLength(5);
    expect(line).toContain('\\u001b[2J\\nforged\\trow');
  });

  it('GIVEN raw bytes that are not UTF-8 THEN they show as a hex dump, 16 bytes a line', () => {
    const raw = Uint8Array.from({ length: 20 }, (_, i) => 0xf0 + (i % 16));
    expect(rawForTerminal(raw)).toEqual([
      '00000000  f0 f1 f2 f3 f4 f5 f6 f7 f8 f9 fa fb fc fd fe ff',
      '00000010  f0 f1 f2 f3',
    ]);
  });

  it('GIVEN a cut record THEN the detail says how much is kept and that it cannot be replayed', () => {
    const detail = deadLetterDetail(letter({ rawBytes: 900 })).join('\n');
    expect(detail).toMatch(/raw bytes +900 \(the first 7 kept\)/);
    expect(detail).toMatch(/replay +not replayable \(cut\)/);
  });
});
