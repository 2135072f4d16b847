import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  nextFireTime,
  parseScheduleExpression,
} from '#lib/schedule-expression/schedule-expression';
import { at, cron, cronCases, DAY, firstMatch, MIN, matches } from '../helpers/cron-cases.ts';

// Long enough to cover nearly every gap the generated expressions leave.
const BRUTE_FORCE_MS = 3 * 366 * DAY;
const instants = fc.integer({ min: at('2020-01-01T00:00:00Z'), max: at('2045-12-31T23:59:59Z') });

describe('nextFireTime properties', () => {
  it('gives a matching minute after the given time, and no matching minute before it', () => {
    fc.assert(
      fc.property(
        cronCases,
        fc.oneof(
          instants,
          instants.map((t) => t - (t % MIN)),
        ),
        (c, after) => {
          // Act
          const next = nextFireTime(cron(c.text), after);

          // Assess
          if (next !== undefined) {
            expect(next).toBeGreaterThan(after);
            expect(matches(c, next)).toBe(true);
          }
          const from = (Math.floor(after / MIN) + 1) * MIN;
          const until = Math.min(next ?? Number.POSITIVE_INFINITY, from + BRUTE_FORCE_MS);
          expect(firstMatch(c, from, until)).toBeUndefined();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('fires a rate at the first whole interval from the anchor after the given time', () => {
    const units = fc.constantFrom('minute', 'hour', 'day');
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        units,
        instants,
        instants,
        (n, unit, anchor, after) => {
          // Prepare
          const expr = parseScheduleExpression(n === 1 ? `rate(1 ${unit})` : `rate(${n} ${unit}s)`);
          if (expr.kind !== 'rate') throw new Error('not a rate');

          // Act
          const next = nextFireTime(expr, after, anchor);

          // Assess
          expect(next).toBeDefined();
          const fire = next ?? 0;
          expect(fire).toBeGreaterThan(after);
          expect((fire - anchor) % expr.intervalMs).toBe(0);
          expect(fire - anchor).toBeGreaterThanOrEqual(expr.intervalMs);
          expect(fire - expr.intervalMs).toBeLessThanOrEqual(Math.max(after, anchor));
        },
      ),
    );
  });
});
