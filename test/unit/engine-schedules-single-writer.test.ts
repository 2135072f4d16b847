import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { outcomeProblems } from '../helpers/engine-model/check-outcome.ts';
import { runSchedule } from '../helpers/engine-model/run-schedule.ts';

/**
 * The single-writer path (docs/single-writer.md) under the same seeded schedules as the default
 * path, on the model of Apache Cassandra: invocations stopped at their timeout, store calls
 * timing out with every outcome, plain row writes landing turns after they timed out, reshards,
 * and a shard's batches moving between containers. Rows keep the write with the highest
 * timestamp, cell by cell, as Cassandra does. `runSchedule(seed, 'cassandra', true)` repeats a
 * failure fast-check prints.
 */
describe('seeded concurrent schedules of a single-writer pipeline on the cassandra model', () => {
  it('count every event exactly once or record it late, and close every due window', {
    timeout: 300_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
        const run = await runSchedule(seed, 'cassandra', true);
        const snapshot = await run.snapshot();
        expect(outcomeProblems(run.pipeline, snapshot, run.stream)).toEqual([]);
        const lost = [...run.scenario.misrouted].filter((r) => !snapshot.deadLetterKeys.has(r));
        expect(lost, 'records sent with another partition key are dead letters').toEqual([]);
      }),
      { numRuns: 1500 },
    );
  });
});
