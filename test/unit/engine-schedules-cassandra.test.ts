import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { outcomeProblems } from '../helpers/engine-model/check-outcome.ts';
import { runSchedule } from '../helpers/engine-model/run-schedule.ts';

/**
 * Seeded schedules of 2-4 shards (some resharded mid-stream, some pausing past the idle timeout,
 * one failing for longer than it), on the model of Apache Cassandra: every invocation possibly
 * stopped at its timeout, store calls timing out with every outcome (Paxos rounds left half
 * done included), all interleaved at random. fast-check prints the seed of a failure;
 * `runSchedule(seed, 'cassandra')` repeats it exactly.
 */
describe('seeded concurrent schedules on the cassandra model', () => {
  it('count every event exactly once or record it late, and close every due window', {
    timeout: 300_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
        const run = await runSchedule(seed, 'cassandra');
        expect(outcomeProblems(run.pipeline, await run.snapshot(), run.stream)).toEqual([]);
      }),
      { numRuns: 2500 },
    );
  });
});
