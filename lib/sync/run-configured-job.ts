import type { CassflowConfig } from '../config/config.ts';
import { createCassandraClient } from '../store/client.ts';
import { applySchema } from '../store/schema/apply.ts';
import { schemaConnection } from '../store/schema/connection.ts';
import { CassandraSession, pipelineCassandra, sessionOptions } from '../store/session.ts';
import type { SyncProgress, TimeBudget } from './run-passes.ts';
import { runSyncJob, type SyncJobResult } from './run-sync-job.ts';
import type { SyncJob } from './sync-jobs.ts';
import { SYNC_TABLES } from './sync-tables.ts';
import { createSyncTarget } from './targets/create-target.ts';

/**
 * One run of a sync job against the configured Cassandra and target: makes sure the checkpoint
 * tables exist (unless a deployment manages the schema), runs, and closes its connections
 * whatever happens.
 */
export async function runConfiguredSyncJob(
  config: CassflowConfig,
  { job, pipeline }: SyncJob,
  budget: TimeBudget,
  onProgress?: (progress: SyncProgress) => void,
  options: { schemaManaged?: boolean } = {},
): Promise<SyncJobResult> {
  const cassandra = pipelineCassandra(config.cassandra, pipeline);
  const client = createCassandraClient(cassandra);
  const target = createSyncTarget(job.target, config);
  try {
    // A deployed stack made the tables already, and its function may not create any.
    if (!options.schemaManaged) {
      await applySchema(schemaConnection(client), cassandra, SYNC_TABLES);
    }
    const session = new CassandraSession(client, cassandra.keyspace, sessionOptions(cassandra));
    return await runSyncJob(job, pipeline, {
      session,
      target,
      budget,
      ...(onProgress ? { onProgress } : {}),
    });
  } finally {
    await Promise.allSettled([client.shutdown(), target.close()]);
  }
}
