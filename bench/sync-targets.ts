/**
 * Benchmark: a full sync of 200,000 Cassandra rows to each target (PostgreSQL, DynamoDB, S3) on
 * the local servers, next to a plain paged SELECT of the same table with the same driver in the
 * same run (the ceiling: reading alone). See README.md.
 *
 * Run: node bin/cassflow.js local up && npm run bench:sync
 */
import os from 'node:os';
import { resolveConfig } from '#lib/config/config';
import type { SyncJobSpec } from '#lib/pipeline/sync-entry';
import { createCassandraClient } from '#lib/store/client';
import { applySchema } from '#lib/store/schema/apply';
import { schemaConnection } from '#lib/store/schema/connection';
import { CassandraSession } from '#lib/store/session';
import { runSyncJob } from '#lib/sync/run-sync-job';
import { SYNC_TABLES } from '#lib/sync/sync-tables';
import { createSyncTarget } from '#lib/sync/targets/create-target';
import { fillSource, SOURCE_DDL } from '../test/helpers/sync-source.ts';
import { settle } from './machine-load.ts';

const ROWS = Number(process.env.BENCH_SYNC_ROWS ?? 200_000);
const FETCH_SIZE = 2000;
const progress = (line: string) => console.error(`[bench] ${line}`);

const base = resolveConfig(process.env);
const config = { ...base, cassandra: { ...base.cassandra, keyspace: 'cassflow_bench_sync' } };
const client = createCassandraClient(config.cassandra);
const session = new CassandraSession(client, config.cassandra.keyspace);
const table = 'sync_source';
const suffix = Date.now().toString(36);

/** A plain `SELECT *` paged through with the driver: the reading-only baseline. */
async function plainSelect(): Promise<number> {
  let rows = 0;
  let pageState: string | undefined;
  do {
    const page = await session.execute(`SELECT * FROM ${session.table(table)}`, [], {
      idempotent: true,
      fetchSize: FETCH_SIZE,
      ...(pageState ? { pageState } : {}),
    });
    rows += page.rows.length;
    pageState = page.pageState ?? undefined;
  } while (pageState);
  return rows;
}

async function timed<T>(
  what: string,
  run: () => Promise<T>,
): Promise<{ value: T; seconds: number }> {
  await settle();
  progress(what);
  const started = process.hrtime.bigint();
  const value = await run();
  return { value, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

function job(name: string, target: SyncJobSpec['target']): SyncJobSpec {
  return {
    name: `bench-${name}-${suffix}`,
    mode: 'full',
    target,
    schedule: 'rate(5 minutes)',
    splits: 32,
    fetchSize: FETCH_SIZE,
    concurrency: 4,
    marginMs: 1,
  };
}

try {
  await applySchema(schemaConnection(client), config.cassandra, SYNC_TABLES);
  await session.execute(SOURCE_DDL(config.cassandra.keyspace, table));
  const existing = (await plainSelect()) === ROWS;
  if (!existing) {
    progress(`writing ${ROWS.toLocaleString('en-US')} source rows (once; kept for later runs)`);
    await fillSource(session, table, ROWS);
  }
  const select = await timed('plain paged SELECT', plainSelect);
  if (select.value !== ROWS) throw new Error(`the source has ${select.value} rows, not ${ROWS}`);
  const baseline = ROWS / select.seconds;
  const results: { target: string; seconds: number; rows: number }[] = [];
  for (const target of [
    { kind: 'postgres', table: `bench_sync_${suffix}` },
    { kind: 'dynamodb', table: `bench-sync-${suffix}` },
    { kind: 's3', bucket: 'cassflow-bench', prefix: 'sync' },
  ] as const) {
    const spec = job(target.kind, target);
    const sink = createSyncTarget(spec.target, config);
    const run = await timed(`full sync to ${target.kind}`, () =>
      runSyncJob(
        spec,
        { kind: 'table', name: table, table },
        {
          session,
          target: sink,
          budget: { remainingMs: () => 900_000, marginMs: 1 },
        },
      ),
    ).finally(() => sink.close());
    if (run.value.rowsWritten !== ROWS)
      throw new Error(`${target.kind}: wrote ${run.value.rowsWritten}`);
    results.push({ target: target.kind, seconds: run.seconds, rows: run.value.rowsWritten });
  }
  const rate = (n: number) => Math.round(n).toLocaleString('en-US').padStart(9);
  console.log(
    `\nFull sync of ${ROWS.toLocaleString('en-US')} rows (fetch size ${FETCH_SIZE}, 32 token ranges, 4 at a time), ${os.cpus().length} cores, local servers`,
  );
  console.log('what                          seconds    rows/s   vs plain SELECT');
  console.log(
    `plain paged SELECT (baseline) ${select.seconds.toFixed(1).padStart(7)} ${rate(baseline)}   1.00x`,
  );
  for (const r of results) {
    const perSecond = r.rows / r.seconds;
    console.log(
      `sync to ${r.target.padEnd(21)} ${r.seconds.toFixed(1).padStart(7)} ${rate(perSecond)}   ${(perSecond / baseline).toFixed(2)}x`,
    );
  }
} finally {
  await client.shutdown();
}
