import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cqlPorts } from '#lib/engine/cql-ports';
import { pipelineTables } from '#lib/store/pipeline-tables';
import { applySchema } from '#lib/store/schema/apply';
import { schemaConnection } from '#lib/store/schema/connection';
import { CORE_TABLES } from '#lib/store/schema/core-tables';
import { outcomeProblems } from '../helpers/engine-model/check-outcome.ts';
import { cqlWorld } from '../helpers/engine-model/cql-world.ts';
import { runScheduleIn } from '../helpers/engine-model/run-schedule.ts';
import { schedulePipeline, T0 } from '../helpers/engine-model/scenario.ts';
import { storeSession } from '../helpers/integration-config.ts';

const { config, client, session } = storeSession();
// Four lanes, each with tables of its own, run their schedules side by side.
const lanes = [0, 1, 2, 3].map((lane) => schedulePipeline(`schedsw_${lane}`, true));
const PER_LANE = 50;
const DAY = 86_400_000;
// A new set of schedules every run; a failure names its seed (CASSFLOW_SCHEDULE_SEED repeats it).
const firstSeed = Number(process.env.CASSFLOW_SCHEDULE_SEED ?? (Date.now() % 1_000_000) * 1000);

beforeAll(async () => {
  await applySchema(schemaConnection(client), config.cassandra, [
    ...CORE_TABLES,
    ...lanes.flatMap(pipelineTables),
  ]);
});
afterAll(() => client.shutdown());

describe('single-writer pipelines on the real store (docs/single-writer.md)', () => {
  // Apache Cassandra takes write timestamps; a store that behaves as Amazon Keyspaces refuses
  // the option (cassflow leaves client-side timestamps off there), and this says so.
  it(`count every event exactly once under ${4 * PER_LANE} seeded concurrent schedules with late-landing writes, or are refused without write timestamps`, {
    timeout: 900_000,
  }, async () => {
    if (!session.clientTimestamps) {
      expect(() => cqlPorts(session, lanes[0] as (typeof lanes)[number])).toThrow(
        /singleWriter needs write timestamps.*remove singleWriter for Keyspaces/,
      );
      return;
    }
    console.log(`schedules from seed ${firstSeed} (CASSFLOW_SCHEDULE_SEED repeats them)`);
    const failures: string[] = [];
    let events = 0;
    await Promise.all(
      lanes.map(async (pipeline, lane) => {
        for (let i = 0; i < PER_LANE; i++) {
          const seed = firstSeed + lane * PER_LANE + i;
          const base = T0 + (lane * PER_LANE + i + 1) * DAY;
          const world = await cqlWorld(session, pipeline, seed, base);
          const shape = { base, prefix: world.prefix, scale: 0.4, keysByShard: true };
          const run = await runScheduleIn(world, seed, shape);
          events += [...run.stream.shards.values()].reduce((n, s) => n + s.records.length, 0);
          const snapshot = await run.snapshot();
          const problems = outcomeProblems(pipeline, snapshot, run.stream);
          for (const r of run.scenario.misrouted) {
            if (!snapshot.deadLetterKeys.has(r)) problems.push(`misrouted ${r} not dead-lettered`);
          }
          if (problems.length > 0)
            failures.push(`seed ${seed} (lane ${lane}): ${problems.slice(0, 3).join('; ')}`);
        }
      }),
    );
    console.log(`${4 * PER_LANE} schedules, ${events} records: ${failures.length} failed`);
    expect(failures).toEqual([]);
  });
});
