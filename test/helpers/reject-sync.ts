import type { CassflowConfig } from '#lib/config/config';
import type { SyncJobSpec } from '#lib/pipeline/sync-entry';
import type { CassandraSession } from '#lib/store/session';
import { readRejects } from '#lib/sync/read-rejects';
import { runSyncJob } from '#lib/sync/run-sync-job';
import { createDynamoDbClient, createPostgresPool } from '#lib/sync/targets/clients';
import { DynamoDbTarget } from '#lib/sync/targets/dynamodb-target';
import { PostgresTarget } from '#lib/sync/targets/postgres-target';
import { dynamoRows, postgresRows } from './sync-target-contents.ts';

/** Creates a table of the session's keyspace and inserts the rows (column name to value). */
export async function tableWithRows(
  session: CassandraSession,
  table: string,
  definition: string,
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  await session.execute(`CREATE TABLE IF NOT EXISTS ${session.table(table)} ${definition}`);
  for (const row of rows) {
    const names = Object.keys(row);
    await session.execute(
      `INSERT INTO ${session.table(table)} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
      Object.values(row),
      { idempotent: true },
    );
  }
}

/**
 * One run of a full sync of `table` into a DynamoDB or PostgreSQL table of the same name: its
 * result, every row that arrived there, and every reject the job recorded.
 */
export async function syncTableInto(
  session: CassandraSession,
  config: CassflowConfig,
  job: SyncJobSpec,
  table: string,
) {
  const dynamo = job.target.kind === 'dynamodb';
  const target = dynamo
    ? new DynamoDbTarget(createDynamoDbClient(config.dynamodb), table)
    : new PostgresTarget(createPostgresPool(config.postgres), table);
  const run = await runSyncJob(
    job,
    { kind: 'table', name: table, table },
    { session, target, budget: { remainingMs: () => 900_000, marginMs: 1 } },
  ).finally(() => target.close());
  let arrived: Record<string, unknown>[];
  if (dynamo) {
    const ddb = createDynamoDbClient(config.dynamodb);
    arrived = await dynamoRows(ddb, table).finally(() => ddb.destroy());
  } else {
    const pool = createPostgresPool(config.postgres);
    arrived = await postgresRows(pool, table).finally(() => pool.end());
  }
  const now = Date.now();
  const { rejects } = await readRejects(session, job.name, {
    from: now - 3_600_000,
    to: now + 60_000,
    limit: 1000,
  });
  return { run, arrived, rejects };
}

/** 0, 1, ..., n - 1. */
export const upTo = (n: number) => Array.from({ length: n }, (_, i) => i);
