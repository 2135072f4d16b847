import type { SyncTargetSpec } from '../pipeline/sync-entry.ts';
import type { CassandraSession } from '../store/session.ts';
import { HOUR_MS } from '../store/utc-periods.ts';
import { readRejects } from '../sync/read-rejects.ts';
import { CqlSyncCheckpoints } from '../sync/sync-checkpoints.ts';
import type { SyncJob } from '../sync/sync-jobs.ts';

/** What the store says of one sync job: its pass, its checkpoints, its recent rejects. */
export type SyncJobFigures = {
  name: string;
  pipeline: string;
  target: string;
  schedule: string | undefined;
  /** The current (or last) pass: a pass reads every token range once. */
  pass?: {
    mode: string;
    startedAt: number;
    finishedAt: number | null;
    runs: number;
    passesFinished: number;
  };
  /** The pass's token ranges: checkpointed, page by page, so a cut-short run resumes. */
  ranges: { total: number; done: number; rows: number; pages: number };
  /** Rows the target refused in the last hour (`more`: past the count read). */
  rejects: { lastHour: number; more: boolean; latest: string | undefined };
};

const REJECTS_READ = 1_000;

export async function readSyncJobFigures(
  session: CassandraSession,
  { job, pipeline }: SyncJob,
  nowMs: number,
): Promise<SyncJobFigures> {
  const checkpoints = new CqlSyncCheckpoints(session);
  const pass = await neverRunIsNone(checkpoints.loadPass(job.name));
  const ranges = pass ? await checkpoints.loadRanges(job.name, pass.passId) : [];
  const rejects = (await neverRunIsNone(
    readRejects(session, job.name, { from: nowMs - HOUR_MS, to: nowMs, limit: REJECTS_READ }),
  )) ?? { rejects: [], more: false };
  return {
    name: job.name,
    pipeline: pipeline.name,
    target: describeTarget(job.target),
    schedule: job.schedule,
    ...(pass
      ? {
          pass: {
            mode: pass.mode,
            startedAt: pass.startedAt,
            finishedAt: pass.finishedAt ?? null,
            runs: pass.runs,
            passesFinished: pass.passesFinished,
          },
        }
      : {}),
    ranges: {
      total: ranges.length,
      done: ranges.filter((r) => r.done).length,
      rows: ranges.reduce((sum, r) => sum + r.rows, 0),
      pages: ranges.reduce((sum, r) => sum + r.pages, 0),
    },
    rejects: {
      lastHour: rejects.rejects.length,
      more: rejects.more,
      latest: rejects.rejects[0]?.reason,
    },
  };
}

/** A job that never ran has no sync tables yet: that is "no pass", not an error. */
async function neverRunIsNone<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (/does not exist|unconfigured table/i.test((error as Error).message)) return undefined;
    throw error;
  }
}

function describeTarget(target: SyncTargetSpec): string {
  if (target.kind === 's3') return `s3://${target.bucket}/${target.prefix ?? ''}`;
  if (target.kind === 'dynamodb') return `DynamoDB table ${target.table}`;
  return `PostgreSQL table ${target.schema ? `${target.schema}.` : ''}${target.table}`;
}
