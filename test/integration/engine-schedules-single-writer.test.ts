import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cqlPorts } from '#lib/engine/cql-ports';
import { CqlWindowRows } from '#lib/store/cql-window-rows';
import { pipelineTables } from '#lib/store/pipeline-tables';
import { applySchema } from '#lib/store/schema/apply';
import { schemaConnection } from '#lib/store/schema/connection';
import { CORE_TABLES } from '#lib/store/schema/core-tables';
import { runScheduleLanes } from '../helpers/engine-model/real-schedule-lanes.ts';
import { schedulePipeline, T0 } from '../helpers/engine-model/scenario.ts';
import { storeSession } from '../helpers/integration-config.ts';

const { config, client, session } = storeSession();
// Four lanes, each with tables of its own, run their schedules side by side.
const lanes = [0, 1, 2, 3].map((lane) => schedulePipeline(`schedsw_${lane}`, true));
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
    const { failures, events } = await runScheduleLanes(session, lanes, PER_LANE, firstSeed, {
      keysByShard: true,
      more: (run, snapshot) =>
        [...run.scenario.misrouted]
          .filter((r) => !snapshot.deadLetterKeys.has(r))
          .map((r) => `misrouted ${r} not dead-lettered`),
    });
    console.log(`${4 * PER_LANE} schedules, ${events} records: ${failures.length} failed`);
    expect(failures).toEqual([]);
  });
  it('keep, of two writes of a row, the one with the higher timestamp in every cell, partials included, whatever lands last', async () => {
    const pipeline = lanes[0] as (typeof lanes)[number];
    if (!session.clientTimestamps) {
      expect(() => cqlPorts(session, pipeline)).toThrow(/remove singleWriter for Keyspaces/);
      return;
    }
    // Prepare: a pane written at timestamp 2000 without partials, and a zombie's older write of
    // it (timestamp 1000, with a partial and more events) that lands after it.
    const rows = new CqlWindowRows(session, pipeline);
    const partition = { key: `cells-${firstSeed}`, window: 'sliding_30s_10s#panes', bucket: 0 };
    const pane = (events: bigint, partials?: Map<number, Uint8Array>) => ({
      end: T0 + 10_000,
      final: false,
      events,
      results: [events, Number(events)],
      acc: new Uint8Array([Number(events)]),
      version: events,
      fences: new Map([['shard-0', 1_000_000n + events]]),
      ...(partials ? { partials } : {}),
    });

    // Act
    await rows.writeAt(partition, [{ start: T0, state: pane(1n) }], 2000n);
    const late = new Map([[T0 + 31_000, new Uint8Array([9])]]);
    await rows.writeAt(partition, [{ start: T0, state: pane(2n, late) }], 1000n);

    // Assess: the newer write whole; nothing of the older one.
    const row = await rows.read({ ...partition, start: T0 });
    expect(row?.events).toBe(1n);
    expect(row?.fences.get('shard-0')).toBe(1_000_001n);
    expect(row?.partials).toBeUndefined();
  });
});
