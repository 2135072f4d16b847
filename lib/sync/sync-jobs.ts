import type { AnyPipeline } from '../pipeline/any-pipeline.ts';
import { PipelineSpecError } from '../pipeline/errors.ts';
import type { SyncJobSpec } from '../pipeline/sync-entry.ts';

/** A sync job and the pipeline whose results (or table) it copies. */
export type SyncJob = { job: SyncJobSpec; pipeline: AnyPipeline };

/** Every sync job of the pipelines, by name; two jobs of one name are refused. */
export function syncJobsOf(pipelines: Iterable<AnyPipeline>): Map<string, SyncJob> {
  const jobs = new Map<string, SyncJob>();
  for (const pipeline of pipelines) {
    for (const job of pipeline.sync) {
      const other = jobs.get(job.name);
      if (other) {
        throw new PipelineSpecError(pipeline.name, [
          `sync job '${job.name}' is also defined by pipeline ${other.pipeline.name}`,
        ]);
      }
      jobs.set(job.name, { job, pipeline });
    }
  }
  return jobs;
}

/** The job of that name, or an error listing the ones there are. */
export function findSyncJob(jobs: ReadonlyMap<string, SyncJob>, name: string): SyncJob {
  const found = jobs.get(name);
  if (found) return found;
  const names = [...jobs.keys()];
  throw new PipelineSpecError(name, [
    names.length === 0
      ? 'no pipeline defines a sync job'
      : `no sync job is named '${name}' (there are: ${names.join(', ')})`,
  ]);
}
