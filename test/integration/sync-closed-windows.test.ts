import { afterAll, describe, expect, it } from 'vitest';
import { count } from '#lib/aggregates/index';
import { definePipeline } from '#lib/pipeline/define-pipeline';
import { readWindows } from '#lib/query/read-windows';
import { CqlWindowIndex } from '#lib/store/window-index';
import { runConfiguredSyncJob } from '#lib/sync/run-configured-job';
import { createPostgresPool } from '#lib/sync/targets/clients';
import { tumbling } from '#lib/windows/index';
import { allRows, integrationConfig } from '../helpers/integration-config.ts';
import { jsonRecord, sequenceNumber } from '../helpers/kinesis-events.ts';
import { pipelineHarness } from '../helpers/pipeline-harness.ts';

const config = integrationConfig();
const suffix = Date.now().toString(36);
const table = `closed_${suffix}`;
const pipeline = definePipeline({
  name: `cw_${suffix}`,
  source: { stream: 'cw' },
  key: 'user',
  time: 'ts',
  windows: [tumbling('1m')],
  aggregates: { n: count() },
  sync: [{ name: `cw-${suffix}`, target: { kind: 'postgres', table } }],
});
const job = pipeline.sync[0];
const pool = createPostgresPool(config.postgres);
const T0 = Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000;
let position = 0;

afterAll(() => pool.end());

/** Events of users a and b, three per minute each, in the given minutes after T0. */
function minutes(...ms: number[]) {
  return ms.flatMap((m) =>
    ['a', 'b'].flatMap((user) =>
      [5, 25, 45].map((s) =>
        jsonRecord('shardId-000000000000', sequenceNumber(0, position++), {
          user,
          ts: T0 + m * 60_000 + s * 1000,
        }),
      ),
    ),
  );
}

async function synced() {
  const { rows } = await pool.query(
    `SELECT key, window_start, events, n FROM public."${table}" ORDER BY key, window_start`,
  );
  return rows.map(
    (r) => `${r.key} +${(r.window_start.getTime() - T0) / 60_000}m ${r.events} ${r.n}`,
  );
}

const budget = { remainingMs: () => 900_000, marginMs: 1 };

describe('closed-windows sync', () => {
  it('copies only windows that became final since the last run', async () => {
    if (!job) throw new Error('the pipeline defines its sync job');
    const harness = await pipelineHarness(pipeline);
    try {
      // Prepare: what a batch that died after indexing its window leaves: an entry, no row.
      await new CqlWindowIndex(harness.session, pipeline).addOpen([
        { closeAt: T0 + 3 * 60_000, key: 'ghost', window: 'tumbling_1m', start: T0 + 2 * 60_000 },
      ]);

      // Act 1: minutes 0-4 seen; the watermark (4m45s) closes minutes 0-3 (and the ghost's).
      await harness.invoke(minutes(0, 1, 2, 3, 4));
      const first = await runConfiguredSyncJob(config, { job, pipeline }, budget);

      // Assess 1: the four closed minutes of each user, none of the open one, and no ghost,
      // though closing left a row of only `final` for it.
      expect(first.rowsRead).toBe(8);
      expect(await synced()).toEqual(
        ['a', 'b'].flatMap((u) => [0, 1, 2, 3].map((m) => `${u} +${m}m 3 3`)),
      );
      const ghost = await allRows(
        harness.session,
        `SELECT final, events FROM ${harness.session.table(pipeline.tables.windows)} WHERE key = 'ghost' ALLOW FILTERING`,
      );
      expect(ghost.map((r) => [r.get('final'), r.get('events')])).toEqual([[true, null]]);
      expect((await readWindows(harness.session, pipeline, { key: 'ghost' })).length).toBe(0);

      // Act 2: minutes 5-7 close 4-6; a run reads those six windows, no more.
      await harness.invoke(minutes(5, 6, 7));
      const second = await runConfiguredSyncJob(config, { job, pipeline }, budget);
      const third = await runConfiguredSyncJob(config, { job, pipeline }, budget);

      // Assess 2
      expect(second.rowsRead).toBe(6);
      expect(second.resumed).toBe(false);
      expect(await synced()).toEqual(
        ['a', 'b'].flatMap((u) => [0, 1, 2, 3, 4, 5, 6].map((m) => `${u} +${m}m 3 3`)),
      );
      expect(third.rowsRead).toBe(0);
      expect(third.passFinished).toBe(true);
    } finally {
      await harness.close();
    }
  });
});
