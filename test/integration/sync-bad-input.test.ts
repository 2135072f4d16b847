import { randomBytes } from 'node:crypto';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncJobSpec, SyncTargetSpec } from '#lib/pipeline/sync-entry';
import { createCassandraClient } from '#lib/store/client';
import { applySchema } from '#lib/store/schema/apply';
import { schemaConnection } from '#lib/store/schema/connection';
import { CassandraSession, sessionOptions } from '#lib/store/session';
import { UnsupportedTypeError } from '#lib/sync/column-type';
import { runSyncJob, type TableSource } from '#lib/sync/run-sync-job';
import { CqlSyncCheckpoints } from '#lib/sync/sync-checkpoints';
import { SYNC_TABLES } from '#lib/sync/sync-tables';
import { OUT_OF_DATES } from '#lib/sync/sync-value';
import { SyncSourceError } from '#lib/sync/table-schema';
import { SyncTargetError } from '#lib/sync/target';
import { createDynamoDbClient, createPostgresPool } from '#lib/sync/targets/clients';
import { DynamoDbTarget } from '#lib/sync/targets/dynamodb-target';
import { PostgresTarget } from '#lib/sync/targets/postgres-target';
import { integrationConfig } from '../helpers/integration-config.ts';
import { syncTableInto, tableWithRows, upTo } from '../helpers/reject-sync.ts';
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
const spec = (
  name: string,
  table: string,
  target: SyncTargetSpec = { kind: 'postgres', table },
): SyncJobSpec => ({
  name: `${name}-${suffix}`,
  mode: 'full',
  target,
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

  it('refuses a DynamoDB table whose key is not pk and sk as strings, before reading a row', async () => {
    // Else each put would be refused as a row's fault, and every row would become a reject.
    const table = `ddb_numeric_${suffix}`;
    const ddb = createDynamoDbClient(config.dynamodb);
    await ddb.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'N' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
    ddb.destroy();
    const job = spec('ddb-numeric', table, { kind: 'dynamodb', table });
    const target = new DynamoDbTarget(createDynamoDbClient(config.dynamodb), table);

    const run = runSyncJob(job, source, { session, target, budget: forever });

    await expect(run).rejects.toThrow(
      /has key \(pk HASH N, sk RANGE S\), but sync writes items keyed pk \(HASH, string\) and sk \(RANGE, string\)/,
    );
    await target.close();
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

/** The driver's LocalDate of one argument, days since 1970: it reaches past JavaScript's dates. */
const DaysSinceEpoch = cassandra.types.LocalDate as unknown as new (days: number) => object;
const ids = (rows: Record<string, unknown>[]) =>
  rows.map((r) => Number(r.id)).sort((a, b) => a - b);
const syncInto = (name: string, table: string, kind: 'dynamodb' | 'postgres') =>
  syncTableInto(session, config, spec(name, table, { kind, table }), table);

describe('sync quarantine: a row its target cannot take is a reject, and the job goes on', () => {
  it('DynamoDB: a partition key over 2,048 UTF-8 bytes (fewer UTF-16 units, which dynalite counts)', async () => {
    // Prepare: 1,000 characters; as the item key (JSON, quotes escaped) 2,308 bytes, 1,708 units.
    const table = `ddb_key_${suffix}`;
    const long = `${'€'.repeat(300)}${'"'.repeat(700)}`;
    const rows = upTo(40).map((i) => ({ tenant: 't', name: `n${i}`, part: i }));
    await tableWithRows(
      session,
      table,
      '(tenant text, name text, part int, PRIMARY KEY ((tenant, name), part))',
      [...rows, { tenant: 't', name: long, part: 7 }],
    );

    // Act
    const { run, arrived, rejects } = await syncInto('ddb-key', table, 'dynamodb');

    // Assess
    expect(run).toMatchObject({ passFinished: true, rowsWritten: 40, rowsRejected: 1 });
    expect(arrived.map((item) => item.name).sort()).toEqual(rows.map((r) => r.name).sort());
    expect(rejects.map((r) => r.reason)).toEqual([
      'DynamoDB partition key (pk, the partition key columns) of 2,308 UTF-8 bytes is over the limit of 2,048',
    ]);
    expect(JSON.parse(rejects[0]?.primaryKey ?? '')).toEqual({ tenant: 't', name: long, part: 7 });
  });

  it('DynamoDB: an item over 400 KB', async () => {
    // Prepare: 150,000 characters of 3 bytes: 450,000 bytes, 150,000 UTF-16 units. With the
    // names, the keys (pk 2 + 2, sk 2 + 1) and the id (2 + 2), the item is 450,015 bytes.
    const table = `ddb_item_${suffix}`;
    const body = '€'.repeat(150_000);
    await tableWithRows(session, table, '(id int PRIMARY KEY, body text)', [
      ...upTo(30).map((id) => ({ id, body: `b${id}` })),
      { id: 30, body },
    ]);

    const { run, arrived, rejects } = await syncInto('ddb-item', table, 'dynamodb');

    expect(run).toMatchObject({ passFinished: true, rowsWritten: 30, rowsRejected: 1 });
    expect(ids(arrived)).toEqual(upTo(30));
    expect(rejects.map((r) => [r.primaryKey, r.reason])).toEqual([
      ['{"id":30}', 'DynamoDB item of 450,015 bytes is over the limit of 400 KB (409,600 bytes)'],
    ]);
    // The row is kept cut, with its full length.
    expect(rejects[0]?.rowBytes).toBe(Buffer.byteLength(JSON.stringify({ id: 30, body })));
    expect(Buffer.byteLength(rejects[0]?.row ?? '')).toBeLessThanOrEqual(64 * 1024);
    expect(rejects[0]?.row.startsWith('{"id":30,"body":"€€€')).toBe(true);
  });

  it('PostgreSQL: U+0000 in text and in a collection (jsonb)', async () => {
    const table = `pg_nul_${suffix}`;
    await tableWithRows(session, table, '(id int PRIMARY KEY, name text, tags map<text, text>)', [
      ...upTo(30).map((id) => ({ id, name: `n${id}`, tags: { k: `v${id}` } })),
      { id: 30, name: 'a\u0000b', tags: null },
      { id: 31, name: 'fine', tags: { k: 'v\u0000' } },
    ]);

    const { run, arrived, rejects } = await syncInto('pg-nul', table, 'postgres');

    expect(run).toMatchObject({ passFinished: true, rowsWritten: 30, rowsRejected: 2 });
    expect(ids(arrived)).toEqual(upTo(30));
    expect(rejects.map((r) => [r.primaryKey, r.reason, r.row]).sort()).toEqual([
      [
        '{"id":30}',
        'column name: text holds U+0000 (NUL), which PostgreSQL text cannot store',
        '{"id":30,"name":"a\\u0000b","tags":null}',
      ],
      [
        '{"id":31}',
        'column tags: text holds U+0000 (NUL), which PostgreSQL jsonb cannot store',
        '{"id":31,"name":"fine","tags":{"k":"v\\u0000"}}',
      ],
    ]);
  });

  it('PostgreSQL: timestamps before 4714-11-24 BC or past what JavaScript holds; BC and 5-digit years arrive', async () => {
    // Prepare: good rows, 101 BC and 20000 AD (which PostgreSQL stores), 10001 BC (which it
    // does not), and 1e17 ms (year 3 million: past JavaScript's dates and PostgreSQL's).
    const table = `pg_time_${suffix}`;
    const good = [
      ...upTo(20).map((i) => Date.UTC(2026, 0, 1) + i * 1000),
      new Date(0).setUTCFullYear(-100, 2, 4),
      new Date(0).setUTCFullYear(20_000, 0, 1),
    ];
    await tableWithRows(session, table, '(id int PRIMARY KEY, at timestamp)', [
      ...good.map((ms, id) => ({ id, at: new Date(ms) })),
      { id: 100, at: new Date(new Date(0).setUTCFullYear(-10_000, 0, 1)) },
      { id: 101, at: 100_000_000_000_000_000n },
    ]);

    const { run, arrived, rejects } = await syncInto('pg-time', table, 'postgres');

    expect(run).toMatchObject({ passFinished: true, rowsWritten: 22, rowsRejected: 2 });
    const times = arrived.map((r) => [Number(r.id), (r.at as Date).getTime()]);
    expect(times.sort((a, b) => (a[0] as number) - (b[0] as number))).toEqual(
      good.map((ms, id) => [id, ms]),
    );
    expect(rejects.map((r) => [r.primaryKey, r.reason]).sort()).toEqual([
      [
        '{"id":100}',
        'column at: timestamp -010000-01-01T00:00:00.000Z is before 4714-11-24 BC, the earliest PostgreSQL stores',
      ],
      ['{"id":101}', `column at: ${OUT_OF_DATES}`],
    ]);
  });

  it('PostgreSQL: a key too long for its index is a reject; two keys it holds equal (-0.0, 0.0) both arrive', async () => {
    // 2,800 bytes of key that do not compress (hex of random bytes) fit Keyspaces' quotas
    // (2,048 + 850) but not PostgreSQL's btree (SQLSTATE 54000). -0.0 and 0.0 are two Cassandra
    // keys but one PostgreSQL key, so one upsert would touch it twice (SQLSTATE 21000).
    const table = `pg_keys_${suffix}`;
    const hex = (bytes: number) => randomBytes(bytes / 2).toString('hex');
    await tableWithRows(
      session,
      table,
      '(name text, tag text, d double, PRIMARY KEY (name, tag, d))',
      [
        ...upTo(30).map((i) => ({ name: `n${i}`, tag: 't', d: i })),
        { name: hex(2000), tag: hex(800), d: 1 },
        { name: 'zero', tag: 't', d: -0 },
        { name: 'zero', tag: 't', d: 0 },
      ],
    );

    const { run, arrived, rejects } = await syncInto('pg-keys', table, 'postgres');

    expect(run).toMatchObject({ passFinished: true, rowsWritten: 32, rowsRejected: 1 });
    expect(arrived.map((r) => r.name).sort()).toEqual(
      [...upTo(30).map((i) => `n${i}`), 'zero'].sort(),
    );
    expect(rejects.map((r) => r.reason)).toEqual([
      expect.stringMatching(
        /^PostgreSQL refused the row: index row size \d+ exceeds .* \(SQLSTATE 54000\)$/,
      ),
    ]);
  });

  it("PostgreSQL: a row it refuses that no check foresaw is found by sending the page's rows one at a time", async () => {
    // A date past 5874897 AD, PostgreSQL's last: refused with SQLSTATE 22008, caught by no check.
    const table = `pg_date_${suffix}`;
    await tableWithRows(session, table, '(id int PRIMARY KEY, day date)', [
      ...upTo(30).map((id) => ({ id, day: new cassandra.types.LocalDate(2026, 1, 1 + (id % 28)) })),
      { id: 30, day: new DaysSinceEpoch(2_146_000_000) },
    ]);

    const { run, arrived, rejects } = await syncInto('pg-date', table, 'postgres');

    expect(run).toMatchObject({ passFinished: true, rowsWritten: 30, rowsRejected: 1 });
    expect(ids(arrived)).toEqual(upTo(30));
    expect(rejects.map((r) => [r.primaryKey, r.reason])).toEqual([
      [
        '{"id":30}',
        'PostgreSQL refused the row: date/time field value out of range: "2146000000" (SQLSTATE 22008)',
      ],
    ]);
  });
});
