import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  batchesPerPartition,
  INDEX_BUCKET_MS,
  INDEX_SLOTS,
  type IndexedWindow,
  indexKey,
  indexSlotOf,
} from '#lib/store/index-partitions';

describe('index partitions', () => {
  it('put a key in the slot FNV-1a gives it, which stored entries depend on never changing', () => {
    // FNV-1a 32 of "a" is 0xe40c292c; of "page-42", 0x3ad8baa7.
    expect(indexSlotOf('a')).toBe(0xe40c292c % INDEX_SLOTS);
    expect(indexSlotOf('page-42')).toBe(0x3ad8baa7 % INDEX_SLOTS);
    fc.assert(
      fc.property(fc.string(), (key) => {
        const slot = indexSlotOf(key);
        expect(Number.isInteger(slot) && slot >= 0 && slot < INDEX_SLOTS).toBe(true);
      }),
    );
  });

  it('spread an hour of many keys evenly, so no one partition takes the hour', () => {
    const perSlot = new Array<number>(INDEX_SLOTS).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const slot = indexSlotOf(`page-${i}`);
      perSlot[slot] = (perSlot[slot] ?? 0) + 1;
    }
    const even = 100_000 / INDEX_SLOTS;
    for (const n of perSlot) expect(Math.abs(n - even) / even).toBeLessThan(0.05);
  });

  it('batch statements by partition, at most 30 each, every entry once (property)', () => {
    const entry = fc.record({
      closeAt: fc.integer({ min: 0, max: 5 * INDEX_BUCKET_MS }),
      key: fc.string({ maxLength: 8 }),
      window: fc.constant('w'),
      start: fc.constant(0),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 200 }), (windows: IndexedWindow[]) => {
        const batches = batchesPerPartition(windows, (w) => ({ query: 'q', params: indexKey(w) }));
        for (const batch of batches) {
          expect(batch.length).toBeLessThanOrEqual(30);
          const partitions = new Set(
            batch.map((s) => (s.params as unknown[]).slice(0, 2).join(':')),
          );
          expect(partitions.size).toBe(1);
        }
        expect(batches.flat()).toHaveLength(windows.length);
      }),
    );
  });
});
