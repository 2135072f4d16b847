import { resolveConfig } from '../config/config.ts';
import { type Env, readBoolean, readString } from '../config/env-values.ts';
import { ConfigError } from '../config/errors.ts';
import type { AnyPipeline } from '../pipeline/any-pipeline.ts';
import type { SyncTargetSpec } from '../pipeline/sync-entry.ts';
import { type SyncJob, syncJobsOf } from '../sync/sync-jobs.ts';
import { createSyncHandler } from './sync-handler.ts';

/** The deployment's name for the job's bucket or table, when it is not the one the spec gives. */
export const SYNC_TARGET_NAME = 'CASSFLOW_SYNC_TARGET_NAME';
/** Set by the CDK stack, whose schema step made the tables: the function creates none. */
export const SCHEMA_MANAGED = 'CASSFLOW_SCHEMA_MANAGED';

/** The sync Lambda as deployed: the job CASSFLOW_SYNC_JOB names among the pipelines' sync entries. */
export function syncFunction(pipelines: ReadonlyMap<string, AnyPipeline>, env: Env = process.env) {
  const jobs = syncJobsOf(pipelines.values());
  const names = [...jobs.keys()].join(', ') || 'none defined';
  const name = readString(env, 'CASSFLOW_SYNC_JOB');
  if (name === undefined) throw new ConfigError('CASSFLOW_SYNC_JOB', `not set; one of ${names}`);
  const job = jobs.get(name);
  if (!job) throw new ConfigError('CASSFLOW_SYNC_JOB', `'${name}' is not one of ${names}`);
  return createSyncHandler(
    resolveConfig(env),
    withTargetName(job, readString(env, SYNC_TARGET_NAME)),
    {
      schemaManaged: readBoolean(env, SCHEMA_MANAGED, false),
    },
  );
}

/** The job writing to `name` instead: a bucket or table the stack created under its own name. */
export function withTargetName(sync: SyncJob, name: string | undefined): SyncJob {
  if (name === undefined) return sync;
  const target: SyncTargetSpec =
    sync.job.target.kind === 's3'
      ? { ...sync.job.target, bucket: name }
      : { ...sync.job.target, table: name };
  return { ...sync, job: { ...sync.job, target } };
}
