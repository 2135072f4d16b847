import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncJobSpec } from '#lib/pipeline/sync-entry';
import { createCassandraClient } from '#lib/store/client';
import { applySchema } from '#lib/store/schema/apply';
import { schemaConnection } from '#lib/store/schema/connection';
import { CassandraSession, sessionOptions } from '#lib/store/session';
import { UnsupportedTypeError } from '#lib/sync/column-type';
import { runSyncJob, type TableSource } from '#lib/sync/run-sync-job';
import { CqlSyncCheckpoints } from '#lib/sync/sync-checkpoints';
import { SYNC_TABLES } from '#lib/sync/sync-tables';
import { SyncSourceError } from '#lib/sync/table-schema';
import { SyncTargetError } from '#lib/sync/target';
import { PostgresTarget } from '#lib/sync/targets/postgres-target';
import { createPostgresPool } from '#lib/targets/clients';
import { integrationConfig } from '../helpers/integration-config.ts';
import { fillSource, SOURCE_DDL } from '../helpers/sync-source.ts';
import { postgresRows } from '../helpers/sync-target-contents.ts';

const config = integrationConfig();
const suffix = Date.now().toString(36);
const client = createCassandraClient(config.cassandra);
const session = new CassandraSession(
  client,
  config.cassandra.keyspace,
  sessionOptions(config.cassandra),
);
const source: TableSource = { kind: 'table', name: 'bad', table: `bad_src_${suffix}` };
const spec = (name: string, table: string): SyncJobSpec => ({
  name: `${name}-${suffix}`,
  mode: 'full',
  target: { kind: 'postgres', table },
  schedule: 'rate(5 minutes)',
  splits: 8,
  fetchSize: 100,
  concurrency: 2,
  marginMs: 1,
});
const forever = { remainingMs: () => 900_000, marginMs: 1 };

beforeAll(async () => {
  await applySchema(schemaConnection(client), config.cassandra, SYNC_TABLES);
  await session.execute(SOURCE_DDL(config.cassandra.keyspace, source.table));
  await fillSource(session, source.table, 2000);
});
afterAll(() => client.shutdown());

describe('sync on bad input', () => {
  it('names an unreachable target, keeps its checkpoints, and the next run resumes', async () => {
    // Prepare: a run stopped by its time budget after 5 pages.
    const table = `bad_${suffix}`;
    const job = spec('unreachable', table);
    const good = () => new PostgresTarget(createPostgresPool(config.postgres), table);
    let pages = 0;
    const first = await runSyncJob(job, source, {
      session,
      target: good(),
      budget: { remainingMs: () => (pages < 5 ? 900_000 : 0), marginMs: 1 },
      onProgress: () => {
        pages += 1;
      },
    });
    const checkpoints = new CqlSyncCheckpoints(session);
    const before = await checkpoints.loadRanges(job.name, first.passId);

    // Act: a run against a PostgreSQL that is not there, then one against the real one.
    const nowhere = new PostgresTarget(
      createPostgresPool({ url: 'postgres://cassflow:cassflow@127.0.0.1:1/cassflow' }),
      table,
    );
    const failed = runSyncJob(job, source, { session, target: nowhere, budget: forever });
    await expect(failed).rejects.toThrow(SyncTargetError);
    await expect(failed).rejects.toThrow(
      /postgres table public\.bad_\w+: cannot be prepared: .*ECONNREFUSED/,
    );
    const after = await checkpoints.loadRanges(job.name, first.passId);
    const last = await runSyncJob(job, source, { session, target: good(), budget: forever });

    // Assess
    expect(first.stoppedForTime).toBe(true);
    expect(after).toEqual(before);
    expect(last.resumed).toBe(true);
    expect(last.passId).toBe(first.passId);
    expect(last.passFinished).toBe(true);
    expect(first.rowsRead + last.rowsRead).toBe(2000);
    const pool = createPostgresPool(config.postgres);
    expect((await postgresRows(pool, table)).length).toBe(2000);
    await pool.end();
  });

  it('names a missing source table', async () => {
    const job = spec('missing', `missing_${suffix}`);
    const missing: TableSource = { kind: 'table', name: 'm', table: 'no_such_table' };
    const target = new PostgresTarget(createPostgresPool(config.postgres), `missing_${suffix}`);
    await expect(runSyncJob(job, missing, { session, target, budget: forever })).rejects.toThrow(
      new SyncSourceError(`table ${config.cassandra.keyspace}.no_such_table does not exist`),
    );
    await target.close();
    expect(await new CqlSyncCheckpoints(session).loadPass(job.name)).toBeUndefined();
  });

  it('names a column of a type it cannot carry', async () => {
    const table = `tupled_${suffix}`;
    await session.execute(
      `CREATE TABLE ${config.cassandra.keyspace}.${table} (id int PRIMARY KEY, pair tuple<int, text>)`,
    );
    const job = spec('tuple', table);
    const target = new PostgresTarget(createPostgresPool(config.postgres), table);
    const run = runSyncJob(
      job,
      { kind: 'table', name: 't', table },
      { session, target, budget: forever },
    );
    await expect(run).rejects.toThrow(UnsupportedTypeError);
    await expect(run).rejects.toThrow(`column ${config.cassandra.keyspace}.${table}.pair has type`);
    await target.close();
    expect(await new CqlSyncCheckpoints(session).loadPass(job.name)).toBeUndefined();
  });
});
