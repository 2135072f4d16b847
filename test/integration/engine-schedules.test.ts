import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipelineTables } from '#lib/store/pipeline-tables';
import { applySchema } from '#lib/store/schema/apply';
import { schemaConnection } from '#lib/store/schema/connection';
import { CORE_TABLES } from '#lib/store/schema/core-tables';
import { runScheduleLanes } from '../helpers/engine-model/real-schedule-lanes.ts';
import { schedulePipeline } from '../helpers/engine-model/scenario.ts';
import { storeSession } from '../helpers/integration-config.ts';

const { config, client, session } = storeSession();
// Four lanes, each with tables of its own, run their schedules side by side.
const lanes = [0, 1, 2, 3].map((lane) => schedulePipeline(`sched_${lane}`));
const PER_LANE = 50;
// A new set of schedules every run; a failure names its seed (CASSFLOW_SCHEDULE_SEED repeats it).
const firstSeed = Number(process.env.CASSFLOW_SCHEDULE_SEED ?? (Date.now() % 1_000_000) * 1000);

beforeAll(async () => {
  await applySchema(schemaConnection(client), config.cassandra, [
    ...CORE_TABLES,
    ...lanes.flatMap(pipelineTables),
  ]);
});
afterAll(() => client.shutdown());

describe('seeded concurrent schedules on the real Cassandra', () => {
  it(`count every event exactly once or record it late, and close every due window (${4 * PER_LANE} schedules)`, {
    timeout: 900_000,
  }, async () => {
    console.log(`schedules from seed ${firstSeed} (CASSFLOW_SCHEDULE_SEED repeats them)`);
    const { failures, events } = await runScheduleLanes(session, lanes, PER_LANE, firstSeed);
    console.log(`${4 * PER_LANE} schedules, ${events} records: ${failures.length} failed`);
    expect(failures).toEqual([]);
  });
});
