import type { CassflowConfig } from '../../config/config.ts';
import { createSyncHandler } from '../../lambda/sync-handler.ts';
import type { AnyPipeline } from '../../pipeline/any-pipeline.ts';
import type { ScheduledJob } from '../../pipeline/define-scheduled-function.ts';
import { syncJobsOf } from '../../sync/sync-jobs.ts';
import type { EmfLine } from '../metrics/emf-points.ts';
import { localObservability } from './local-observability.ts';

/** The pipelines' sync jobs as scheduled functions: the deployed handler, on the job's schedule. */
export function syncSchedules(
  config: CassflowConfig,
  pipelines: readonly AnyPipeline[],
  logLevel: string,
  onMetrics?: (line: EmfLine) => void,
): ScheduledJob[] {
  return [...syncJobsOf(pipelines).values()].map((sync) => ({
    name: sync.job.name,
    schedule: sync.job.schedule,
    handler: createSyncHandler(
      config,
      sync,
      localObservability(sync.job.name, logLevel, onMetrics),
    ),
  }));
}
