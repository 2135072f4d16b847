import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, ScheduledEvent } from 'aws-lambda';
import type { CassflowConfig } from '../config/config.ts';
import { pipelineCassandra } from '../store/session.ts';
import { runConfiguredSyncJob } from '../sync/run-configured-job.ts';
import type { SyncJobResult } from '../sync/run-sync-job.ts';
import type { SyncJob } from '../sync/sync-jobs.ts';
import { SYNC_REJECTS } from '../sync/sync-tables.ts';
import { type Observability, observability, scheduledHandler } from './powertools.ts';

function record(metrics: Metrics, r: SyncJobResult): void {
  metrics.addMetric('RowsRead', MetricUnit.Count, r.rowsRead);
  metrics.addMetric('RowsWritten', MetricUnit.Count, r.rowsWritten);
  metrics.addMetric('RowsRejected', MetricUnit.Count, r.rowsRejected);
  metrics.addMetric('Pages', MetricUnit.Count, r.pages);
  metrics.addMetric('RangesDone', MetricUnit.Count, r.rangesDone);
  metrics.addMetric('Resumes', MetricUnit.Count, r.resumed ? 1 : 0);
  metrics.addMetric('PassesFinished', MetricUnit.Count, r.passFinished ? 1 : 0);
}

/**
 * The scheduled sync Lambda of one job: a run that stops taking pages when the invocation's
 * remaining time falls below the job's margin, saves where it is, and leaves the rest to the next
 * scheduled run.
 */
export function createSyncHandler(
  config: CassflowConfig,
  sync: SyncJob,
  options: Observability & { schemaManaged?: boolean } = {},
) {
  const { logger, metrics } = observability(sync.job.name, options);
  const handle = async (_event: ScheduledEvent, context: Context): Promise<SyncJobResult> => {
    const result = await runConfiguredSyncJob(
      config,
      sync,
      {
        remainingMs: () => context.getRemainingTimeInMillis(),
        marginMs: sync.job.marginMs,
      },
      undefined,
      { schemaManaged: options.schemaManaged ?? false },
    );
    record(metrics, result);
    if (result.restarted) logger.warn('sync pass started again', { reason: result.restarted });
    if (result.skipped) logger.info('sync run skipped', { reason: result.skipped });
    if (result.rowsRejected > 0) {
      logger.warn('sync rows rejected: the target cannot take them', {
        rowsRejected: result.rowsRejected,
        rejects: `${pipelineCassandra(config.cassandra, sync.pipeline).keyspace}.${SYNC_REJECTS.name}`,
        list: `cassflow sync --job ${sync.job.name} --rejects`,
      });
    }
    logger.info('sync run', { ...result });
    return result;
  };
  return scheduledHandler(handle, { logger, metrics });
}
