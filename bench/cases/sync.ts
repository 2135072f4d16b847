import type { SyncJobSpec } from '#lib/pipeline/sync-entry';
import type { CassandraSession } from '#lib/store/session';
import { runSyncJob } from '#lib/sync/run-sync-job';
import { SYNC_TABLES } from '#lib/sync/sync-tables';
import { createSyncTarget } from '#lib/sync/targets/create-target';
import { fillSource, SOURCE_DDL } from '../../test/helpers/sync-source.ts';
import type { BenchCase, BenchContext } from '../harness.ts';
import { settleQuietly } from '../settle-quietly.ts';
import { formatSpread, median, type Spread, spread, textTable } from '../stats.ts';

const ROWS = Number(process.env.BENCH_SYNC_ROWS ?? 200_000);
const FETCH_SIZE = 2000;
/** Kept between runs (no bench_ prefix, so runs do not drop it): filling it takes a while. */
const SOURCE = 'sync_source';

/** A plain `SELECT *` paged through with the driver: the reading-only baseline. */
async function plainSelect(session: CassandraSession): Promise<number> {
  let rows = 0;
  let pageState: string | undefined;
  do {
    const page = await session.execute(`SELECT * FROM ${session.table(SOURCE)}`, [], {
      idempotent: true,
      fetchSize: FETCH_SIZE,
      ...(pageState ? { pageState } : {}),
    });
    rows += page.rows.length;
    pageState = page.pageState ?? undefined;
  } while (pageState);
  return rows;
}

function job(name: string, target: SyncJobSpec['target']): SyncJobSpec {
  return {
    name,
    mode: 'full',
    target,
    schedule: 'rate(5 minutes)',
    splits: 32,
    fetchSize: FETCH_SIZE,
    concurrency: 4,
    marginMs: 1,
  };
}

async function timedRowsPerSecond(ctx: BenchContext, run: () => Promise<number>): Promise<number> {
  await settleQuietly(ctx.progress);
  const start = performance.now();
  const rows = await run();
  if (rows !== ROWS) throw new Error(`moved ${rows} rows, not ${ROWS}`);
  return (rows / (performance.now() - start)) * 1000;
}

/**
 * A full sync of 200,000 Cassandra rows to each target (PostgreSQL, DynamoDB, S3 on the local
 * servers), next to a plain paged SELECT of the same table with the same driver in the same run.
 */
export const syncCase: BenchCase = {
  name: 'sync',
  async run(ctx) {
    const { store } = ctx;
    const session = store.session;
    await store.createTables(SYNC_TABLES);
    await session.execute(SOURCE_DDL(session.keyspace, SOURCE));
    if ((await plainSelect(session)) !== ROWS) {
      ctx.progress(
        `writing ${ROWS.toLocaleString('en-US')} source rows (once; kept for later runs)`,
      );
      await session.execute(`TRUNCATE ${session.table(SOURCE)}`);
      await fillSource(session, SOURCE, ROWS);
    }
    const rates: Record<string, number[]> = { select: [], postgres: [], dynamodb: [], s3: [] };
    for (let rep = 1; rep <= ctx.repeats; rep++) {
      rates.select?.push(await timedRowsPerSecond(ctx, () => plainSelect(session)));
      const suffix = `${ctx.runId}_${rep}`;
      for (const target of [
        { kind: 'postgres', table: `bench_sync_${suffix}` },
        { kind: 'dynamodb', table: `bench-sync-${suffix}` },
        { kind: 's3', bucket: 'cassflow-bench', prefix: `sync-${suffix}` },
      ] as const) {
        const spec = job(`bench-${target.kind}-${suffix}`, target);
        const sink = createSyncTarget(spec.target, ctx.config);
        const rate = await timedRowsPerSecond(ctx, async () => {
          const budget = { remainingMs: () => 900_000, marginMs: 1 };
          const source = { kind: 'table', name: SOURCE, table: SOURCE } as const;
          const result = await runSyncJob(spec, source, { session, target: sink, budget });
          return result.rowsWritten;
        }).finally(() => sink.close());
        rates[target.kind]?.push(rate);
      }
      ctx.progress(
        `sync ${rep}/${ctx.repeats}: ${Object.entries(rates)
          .map(([k, v]) => `${k} ${v.at(-1)?.toFixed(0)} rows/s`)
          .join(', ')}`,
      );
    }
    const spreads = Object.fromEntries(
      Object.entries(rates).map(([k, v]) => [k, spread(v)]),
    ) as Record<string, Spread>;
    const base = median(rates.select ?? []);
    const row = (label: string, key: string) => {
      const s = spreads[key] as Spread;
      return [label, formatSpread(s), `${(s.median / base).toFixed(2)}x`];
    };
    return {
      title: `4. Sync: a full pass over ${ROWS.toLocaleString('en-US')} rows (fetch size ${FETCH_SIZE}, 32 token ranges, 4 at a time)`,
      table: textTable(
        ['to', 'rows/s', 'vs plain SELECT'],
        [
          row('plain paged SELECT (baseline)', 'select'),
          row('PostgreSQL (embedded)', 'postgres'),
          row('DynamoDB (dynalite)', 'dynamodb'),
          row('S3 (s3rver)', 's3'),
        ],
      ),
      notes:
        `rows/s: median (min–max) of ${ctx.repeats} passes. The targets are the local servers ` +
        '(one process each, on the same 2 cores as Cassandra and the bench): their speed, not ' +
        "the AWS services', bounds these figures.",
      figures: { rows: ROWS, fetchSize: FETCH_SIZE, rates },
      ratios: (['postgres', 'dynamodb', 's3'] as const).map((k) => ({
        name: `sync to ${k} / plain paged SELECT`,
        value: (spreads[k]?.median ?? 0) / base,
        target: 0.8,
      })),
    };
  },
};
