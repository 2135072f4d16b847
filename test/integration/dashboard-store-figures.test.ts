import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count } from '#lib/aggregates/basic';
import { countDueWindows } from '#lib/dashboard/due-windows';
import { readSyncJobFigures } from '#lib/dashboard/sync-job-figures';
import { definePipeline } from '#lib/pipeline/define-pipeline';
import { tablesOf } from '#lib/store/pipeline-tables';
import { applySchema } from '#lib/store/schema/apply';
import { schemaConnection } from '#lib/store/schema/connection';
import { CORE_TABLES } from '#lib/store/schema/core-tables';
import { CqlWindowIndex, INDEX_BUCKET_MS, type IndexedWindow } from '#lib/store/window-index';
import { CqlSyncCheckpoints } from '#lib/sync/sync-checkpoints';
import { CqlSyncRejects } from '#lib/sync/sync-rejects';
import { SYNC_TABLES } from '#lib/sync/sync-tables';
import { tumbling } from '#lib/windows/index';
import { storeSession } from '../helpers/integration-config.ts';

const pipeline = definePipeline({
  name: 'it_dashboard_store',
  source: { stream: 'cassflow-it-dashboard-store' },
  key: 'page',
  time: 'ts',
  windows: [tumbling('1m')],
  aggregates: { views: count() },
  sync: [
    { name: 'it-dashboard-sync', mode: 'full', target: { kind: 's3', bucket: 'it-dashboard' } },
  ],
});
const { config, client, session } = storeSession();

beforeAll(async () => {
  await applySchema(schemaConnection(client), config.cassandra, [
    ...CORE_TABLES,
    ...tablesOf(pipeline),
    ...SYNC_TABLES,
  ]);
});
afterAll(async () => {
  await client.shutdown();
});

describe("the dashboard's store figures, against the real store", () => {
  it('counts the windows due but not final: closing after the closer, up to the watermark', async () => {
    // 150 windows closing a minute apart from just before an hour bucket's end: three buckets.
    const base = 40 * INDEX_BUCKET_MS - 30 * 60_000;
    const windows: IndexedWindow[] = Array.from({ length: 150 }, (_, i) => ({
      closeAt: base + i * 60_000,
      key: `/page/${i % 7}`,
      window: 'tumbling_1m',
      start: base + i * 60_000 - 60_000,
    }));
    await new CqlWindowIndex(session, pipeline).addOpen(windows);
    const last = base + 149 * 60_000;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: base - 120_000, max: last + 120_000 }),
        fc.integer({ min: 0, max: 200 * 60_000 }),
        async (done, span) => {
          const watermark = done + span;
          const expected = windows.filter((w) => w.closeAt > done && w.closeAt <= watermark);
          expect(await countDueWindows(session, pipeline, done, watermark)).toEqual({
            count: expected.length,
            more: false,
          });
        },
      ),
      { numRuns: 12, seed: 2112 },
    );
    // No closer run yet: from the lowest bucket of the index.
    expect((await countDueWindows(session, pipeline, undefined, last)).count).toBe(150);
    expect(await countDueWindows(session, pipeline, undefined, Number.NEGATIVE_INFINITY)).toEqual({
      count: 0,
      more: false,
    });
  });

  it("shows a sync job's pass, checkpointed ranges and last hour's rejects", async () => {
    const job = { job: pipeline.sync[0] as (typeof pipeline.sync)[number], pipeline };
    const before = await readSyncJobFigures(session, job, Date.now());
    expect(before.pass).toBeUndefined();
    expect(before.ranges).toEqual({ total: 0, done: 0, rows: 0, pages: 0 });
    expect(before.rejects.lastHour).toBe(0);

    const checkpoints = new CqlSyncCheckpoints(session);
    const startedAt = Date.now() - 5000;
    await checkpoints.savePass(job.job.name, {
      passId: 'p1',
      mode: 'full',
      startedAt,
      finishedAt: undefined,
      passesFinished: 2,
      runs: 5,
      closedThrough: undefined,
    });
    const range = (id: number, done: boolean, rows: number, pages: number) => ({
      id,
      start: BigInt(id * 100),
      end: BigInt(id * 100 + 99),
      pageState: undefined,
      pages,
      rows,
      done,
    });
    await checkpoints.startRanges(job.job.name, 'p1', [
      range(0, true, 1200, 3),
      range(1, false, 400, 1),
      range(2, false, 0, 0),
    ]);
    await new CqlSyncRejects(session, ['id']).record({
      job: job.job.name,
      passId: 'p1',
      rangeId: 1,
      page: 1,
      rejects: [
        { index: 3, reason: 'item too large', row: { id: 1 } },
        { index: 9, reason: 'item too large', row: { id: 2 } },
      ],
    });
    const figures = await readSyncJobFigures(session, job, Date.now());
    expect(figures).toMatchObject({
      name: 'it-dashboard-sync',
      pipeline: pipeline.name,
      target: 's3://it-dashboard/',
      pass: { mode: 'full', startedAt, finishedAt: null, runs: 5, passesFinished: 2 },
      ranges: { total: 3, done: 1, rows: 1600, pages: 4 },
      rejects: { lastHour: 2, more: false, latest: 'item too large' },
    });
  });
});
