import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CapacityMeter,
  PARTITION_RRU_PER_SECOND,
  PARTITION_WRU_PER_SECOND,
  readUnits,
  writeUnits,
} from '#lib/store/keyspaces-mode/capacity';

describe('Keyspaces capacity units', () => {
  it('bill a write 1 WRU per KB begun and a read 1 RRU per 4 KB begun, half at ONE', () => {
    expect([writeUnits(0), writeUnits(1024), writeUnits(1025), writeUnits(3000)]).toEqual([
      1, 1, 2, 3,
    ]);
    expect([readUnits(0, true), readUnits(4096, true), readUnits(4097, true)]).toEqual([1, 1, 2]);
    expect(readUnits(4097, false)).toBe(1);
  });
});

describe('the capacity meter', () => {
  it('throttles a partition past 1,000 WRU in a second, not another partition, and not the next second', () => {
    let now = 5_000;
    const meter = new CapacityMeter(() => now);
    for (let i = 0; i < PARTITION_WRU_PER_SECOND; i++) {
      expect(meter.charge('t', 'hot', { wru: 1, rru: 0 })).toBe(true);
    }
    expect(meter.charge('t', 'hot', { wru: 1, rru: 0 })).toBe(false);
    expect(meter.charge('t', 'cold', { wru: 1, rru: 0 })).toBe(true);
    now += 1000;
    expect(meter.charge('t', 'hot', { wru: 1, rru: 0 })).toBe(true);
    const report = meter.report();
    expect(report.throttled).toEqual({ writes: 1, reads: 0 });
    expect(report.hottest).toEqual({ table: 't', partition: 'hot', wru: 1000, rru: 0 });
    expect(report.tables.t).toEqual({ wru: 1002, rru: 0, writes: 1002, reads: 0 });
  });

  it('bills everything it lets through and nothing it throttles, whatever the requests (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            at: fc.integer({ min: 0, max: 3_000 }),
            partition: fc.constantFrom('a', 'b', undefined),
            wru: fc.integer({ min: 0, max: 400 }),
            rru: fc.integer({ min: 0, max: 1_200 }),
          }),
          { maxLength: 60 },
        ),
        (requests) => {
          let now = 0;
          const meter = new CapacityMeter(() => now);
          let wru = 0;
          let rru = 0;
          const perSecond = new Map<string, { wru: number; rru: number }>();
          for (const r of [...requests].sort((x, y) => x.at - y.at)) {
            now = r.at;
            const passed = meter.charge('t', r.partition, { wru: r.wru, rru: r.rru });
            if (passed) {
              wru += r.wru;
              rru += r.rru;
            }
            if (r.partition === undefined) expect(passed).toBe(true);
            else if (passed) {
              const key = `${r.partition}@${Math.floor(r.at / 1000)}`;
              const used = perSecond.get(key) ?? { wru: 0, rru: 0 };
              used.wru += r.wru;
              used.rru += r.rru;
              perSecond.set(key, used);
              expect(used.wru).toBeLessThanOrEqual(PARTITION_WRU_PER_SECOND);
              expect(used.rru).toBeLessThanOrEqual(PARTITION_RRU_PER_SECOND);
            }
          }
          const billed = meter.report().tables.t ?? { wru: 0, rru: 0 };
          expect([billed.wru, billed.rru]).toEqual([wru, rru]);
        },
      ),
    );
  });
});
