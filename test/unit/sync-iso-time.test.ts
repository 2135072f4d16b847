import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTimeOf } from '#lib/sync/iso-time';

/** Every millisecond a Date can hold: ±8.64e15. */
const ANY_DATE_MS = 8.64e15;

describe('ISO time text without a Date', () => {
  it('prints every time as toISOString does, whatever came before it', () => {
    // Prepare: runs of times, some on one day (the remembered date part), some anywhere.
    const times = fc.array(
      fc.oneof(
        fc.integer({ min: -ANY_DATE_MS, max: ANY_DATE_MS }),
        fc.integer({ min: 0, max: 253_402_300_799_999 }),
        fc.integer({ min: 1_767_225_600_000, max: 1_767_225_600_000 + 2 * 86_400_000 }),
      ),
      { minLength: 1, maxLength: 40 },
    );

    // Assess
    fc.assert(
      fc.property(times, (run) => {
        const isoTime = isoTimeOf();
        for (const ms of run) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
      }),
    );
  });

  it('prints the edges of the four-digit years and of a day', () => {
    const isoTime = isoTimeOf();
    for (const ms of [0, 86_399_999, 86_400_000, 253_402_300_799_999, 253_402_300_800_000, -1]) {
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    }
  });
});
