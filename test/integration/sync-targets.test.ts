import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncJobSpec } from '#lib/pipeline/sync-entry';
import { createCassandraClient } from '#lib/store/client';
import { applySchema } from '#lib/store/schema/apply';
import { schemaConnection } from '#lib/store/schema/connection';
import { CassandraSession, sessionOptions } from '#lib/store/session';
import type { TableSource } from '#lib/sync/run-sync-job';
import { SYNC_TABLES } from '#lib/sync/sync-tables';
import {
  createDynamoDbClient,
  createPostgresPool,
  createS3Client,
} from '#lib/sync/targets/clients';
import { DynamoDbTarget } from '#lib/sync/targets/dynamodb-target';
import { PostgresTarget } from '#lib/sync/targets/postgres-target';
import { S3Target } from '#lib/sync/targets/s3-target';
import { integrationConfig } from '../helpers/integration-config.ts';
import { type Interruptions, syncWithInterruptions } from '../helpers/interrupted-sync.ts';
import { canonical, expectedCanonical, fillSource, SOURCE_DDL } from '../helpers/sync-source.ts';
import { dynamoRows, postgresRows, s3Rows } from '../helpers/sync-target-contents.ts';

const ROWS = 200_000;
const config = integrationConfig();
const suffix = Date.now().toString(36);
const source: TableSource = { kind: 'table', name: 'sync_source', table: 'sync_source' };
const client = createCassandraClient(config.cassandra);

function job(name: string, target: SyncJobSpec['target']): SyncJobSpec {
  return {
    name: `${name}-${suffix}`,
    mode: 'full',
    target,
    schedule: 'rate(5 minutes)',
    splits: 16,
    fetchSize: 2000,
    concurrency: 4,
    marginMs: 1,
  };
}

/** Every source row exactly once: the same ids, no more, each with the source's values. */
function expectExactlyTheSource(rows: readonly Record<string, unknown>[]) {
  const byId = new Map<number, string>();
  for (const row of rows) {
    const id = Number(row.id);
    expect(byId.has(id), `row ${id} is there twice`).toBe(false);
    byId.set(id, canonical(row as never));
  }
  expect(byId.size).toBe(ROWS);
  for (let i = 0; i < ROWS; i++) {
    const got = byId.get(i);
    if (got !== expectedCanonical(i)) expect(got, `row ${i}`).toBe(expectedCanonical(i));
  }
}

function expectEveryKindOfInterruption(i: Interruptions) {
  expect(i.timeouts).toBeGreaterThanOrEqual(1);
  expect(i.errorsMidPage).toBeGreaterThanOrEqual(1);
  expect(i.reconnects).toBeGreaterThanOrEqual(1);
}

beforeAll(async () => {
  await applySchema(schemaConnection(client), config.cassandra, SYNC_TABLES);
  const session = new CassandraSession(
    client,
    config.cassandra.keyspace,
    sessionOptions(config.cassandra),
  );
  await session.execute(SOURCE_DDL(config.cassandra.keyspace, source.table));
  const started = Date.now();
  await fillSource(session, source.table, ROWS);
  console.log(`source: ${ROWS} rows written in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}, 600_000);

afterAll(() => client.shutdown());

describe(`sync of ${ROWS.toLocaleString('en-US')} rows, interrupted at random and resumed`, () => {
  it('to PostgreSQL: the table equals the source, row by row', async () => {
    const table = `sync_it_${suffix}`;
    const spec = job('pg', { kind: 'postgres', table });
    const { interruptions } = await syncWithInterruptions(
      spec,
      source,
      () => new PostgresTarget(createPostgresPool(config.postgres), table),
      1,
    );
    const pool = createPostgresPool(config.postgres);
    try {
      expectExactlyTheSource(await postgresRows(pool, table));
    } finally {
      await pool.end();
    }
    expectEveryKindOfInterruption(interruptions);
    console.log('postgres', interruptions);
  }, 900_000);

  it('to DynamoDB: one item per source row, equal to it', async () => {
    const table = `sync-it-${suffix}`;
    const spec = job('ddb', { kind: 'dynamodb', table });
    const { interruptions } = await syncWithInterruptions(
      spec,
      source,
      () => new DynamoDbTarget(createDynamoDbClient(config.dynamodb), table),
      2,
    );
    const ddb = createDynamoDbClient(config.dynamodb);
    try {
      expectExactlyTheSource(await dynamoRows(ddb, table));
    } finally {
      ddb.destroy();
    }
    expectEveryKindOfInterruption(interruptions);
    console.log('dynamodb', interruptions);
  }, 900_000);

  it('to S3: every row in exactly one line of the pass, replayed pages overwritten', async () => {
    const bucket = `sync-it-${suffix}`;
    const s3 = createS3Client(config.s3);
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const spec = job('s3', { kind: 's3', bucket, prefix: 'exports' });
    const { last, interruptions } = await syncWithInterruptions(
      spec,
      source,
      () => new S3Target(createS3Client(config.s3), bucket, 'exports'),
      3,
    );
    try {
      const { rows, objects } = await s3Rows(s3, bucket, `exports/${spec.name}/`);
      expectExactlyTheSource(rows);
      for (const key of objects) {
        expect(key).toMatch(
          new RegExp(
            `^exports/${spec.name}/dt=\\d{4}-\\d{2}-\\d{2}/pass=${last.passId}/range=\\d{5}/page=\\d{6}\\.jsonl\\.gz$`,
          ),
        );
      }
    } finally {
      s3.destroy();
    }
    expectEveryKindOfInterruption(interruptions);
    console.log('s3', interruptions);
  }, 900_000);
});
