import { resolveConfig } from '../config/config.ts';
import { type Env, readString } from '../config/env-values.ts';
import { ConfigError } from '../config/errors.ts';
import type { AnyPipeline } from '../pipeline/any-pipeline.ts';
import { syncJobsOf } from '../sync/sync-jobs.ts';
import { createSyncHandler } from './sync-handler.ts';

/** The sync Lambda as deployed: the job CASSFLOW_SYNC_JOB names among the pipelines' sync entries. */
export function syncFunction(pipelines: ReadonlyMap<string, AnyPipeline>, env: Env = process.env) {
  const jobs = syncJobsOf(pipelines.values());
  const names = [...jobs.keys()].join(', ') || 'none defined';
  const name = readString(env, 'CASSFLOW_SYNC_JOB');
  if (name === undefined) throw new ConfigError('CASSFLOW_SYNC_JOB', `not set; one of ${names}`);
  const job = jobs.get(name);
  if (!job) throw new ConfigError('CASSFLOW_SYNC_JOB', `'${name}' is not one of ${names}`);
  return createSyncHandler(resolveConfig(env), job);
}
