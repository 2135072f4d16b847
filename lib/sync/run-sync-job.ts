import type { AnyPipeline } from '../pipeline/any-pipeline.ts';
import type { SyncJobSpec } from '../pipeline/sync-entry.ts';
import type { CassandraSession } from '../store/session.ts';
import { CqlWatermarks } from '../store/watermark-store.ts';
import { CqlWindowIndex, INDEX_BUCKET_MS } from '../store/window-index.ts';
import { closedWindowReader, planClosedSlices } from './closed-windows.ts';
import { tokenRangeReader } from './range-reader.ts';
import { runPasses, type SyncProgress, type SyncRunResult, type TimeBudget } from './run-passes.ts';
import { CqlSyncCheckpoints } from './sync-checkpoints.ts';
import { CqlSyncLease, type LeaseClock, type LeaseHolder, withSyncLease } from './sync-lease.ts';
import { CqlSyncRejects } from './sync-rejects.ts';
import { readTableSchema } from './table-schema.ts';
import type { SyncRow, SyncSchema, SyncTarget } from './target.ts';
import { planTokenRanges, rangesOutside, type TokenRange } from './token-ranges.ts';
import { readTokenRing } from './token-ring.ts';
import { windowResultSchema } from './window-results.ts';

export type SyncJobContext = {
  /** A session on the pipeline's keyspace, which also holds the sync checkpoints. */
  session: CassandraSession;
  target: SyncTarget;
  budget: TimeBudget;
  onProgress?: (progress: SyncProgress) => void;
  /** The job lease's clock and timings (tests move time on). */
  leaseClock?: LeaseClock;
};

export type SyncJobResult = SyncRunResult & { source: string; target: string; mode: string };

/** Any table of the session's keyspace, synced in full (no pipeline behind it). */
export type TableSource = { kind: 'table'; name: string; table: string };

/** What a job reads: a pipeline's results or table, or a table of its own. */
export type SyncSource = AnyPipeline | TableSource;

/**
 * Runs a pipeline's sync job once: full (the sink's table, or every window row's results) by
 * token ranges, or closed-windows (only windows that became final since the last pass) by
 * slices of the closed-windows index. Resumes an unfinished pass from its checkpoints.
 */
export async function runSyncJob(
  job: SyncJobSpec,
  pipeline: SyncSource,
  ctx: SyncJobContext,
): Promise<SyncJobResult> {
  const { session } = ctx;
  const tableName = pipeline.kind === 'aggregation' ? pipeline.tables.windows : pipeline.table;
  const table = await readTableSchema(session, session.keyspace, tableName);
  const schema: SyncSchema =
    pipeline.kind === 'aggregation'
      ? windowResultSchema(table, pipeline, job.mode === 'full')
      : table;
  await ctx.target.prepare(schema);
  const checkpoints = new CqlSyncCheckpoints(session);
  const ports =
    job.mode === 'full'
      ? {
          plan: async () => {
            const ring = await readTokenRing(session);
            return { ranges: planTokenRanges(ring.space, job.splits, ring.nodeTokens) };
          },
          stale: async (ranges: readonly TokenRange[]) =>
            rangesOutside(ranges, (await readTokenRing(session)).space),
          readPage: tokenRangeReader(session, table, job.fetchSize, {
            schema,
            ...(pipeline.kind === 'aggregation' ? { keep: isWindowResult } : {}),
          }),
        }
      : closedWindowPorts(job, pipeline, session, schema);
  const result = await withSyncLease(
    new CqlSyncLease(session),
    job.name,
    (held) =>
      runPasses(
        { name: job.name, mode: job.mode, concurrency: job.concurrency },
        {
          checkpoints,
          target: ctx.target,
          rejects: new CqlSyncRejects(session, schema.primaryKey),
          ...ports,
        },
        // A run that lost its lease stops at its next page, as if out of time.
        {
          remainingMs: () => (held() ? ctx.budget.remainingMs() : 0),
          marginMs: ctx.budget.marginMs,
        },
        ctx.onProgress,
      ),
    ctx.leaseClock,
  );
  return {
    ...('heldBy' in result ? skippedRun(job.name, result.heldBy) : result),
    source: `${session.keyspace}.${tableName}`,
    target: ctx.target.describe,
    mode: job.mode,
  };
}

/**
 * Pane and open-session rows (window names with '#') are the engine's state, not results; a
 * row with no event count is a window that was closed but never written (see markFinal).
 */
function isWindowResult(row: SyncRow): boolean {
  return !String(row.window ?? '').includes('#') && row.events !== null && row.events !== undefined;
}

function closedWindowPorts(
  job: SyncJobSpec,
  pipeline: SyncSource,
  session: CassandraSession,
  schema: SyncSchema,
) {
  if (pipeline.kind !== 'aggregation') throw new Error('closed-windows sync needs an aggregation');
  return {
    plan: async (previous: { closedThrough: number | undefined } | undefined) => {
      const cursor = await new CqlWatermarks(session, pipeline).readCursor();
      const through = cursor && Number.isFinite(cursor.done) ? cursor.done : undefined;
      let from = previous?.closedThrough;
      if (from === undefined) {
        const lowest = await new CqlWindowIndex(session, pipeline).lowestClosedBucket();
        if (lowest === undefined || through === undefined) return { ranges: [] };
        from = lowest * INDEX_BUCKET_MS - 1;
      }
      if (through === undefined || through <= from) return { ranges: [], closedThrough: from };
      return { ranges: planClosedSlices(from, through), closedThrough: through };
    },
    readPage: closedWindowReader(session, pipeline, schema, job.fetchSize),
  };
}

/** The result of a run that did not run: another run of the job holds its lease. */
function skippedRun(job: string, holder: LeaseHolder): SyncRunResult {
  return {
    pages: 0,
    rowsRead: 0,
    rowsWritten: 0,
    rowsRejected: 0,
    rangesDone: 0,
    rangesTotal: 0,
    passId: '',
    resumed: false,
    passFinished: false,
    stoppedForTime: false,
    skipped: `another run of ${job} holds its lease until ${new Date(holder.until).toISOString()}`,
  };
}
