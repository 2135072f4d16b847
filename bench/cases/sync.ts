import type { SyncJobSpec } from '#lib/pipeline/sync-entry';
import type { CassandraSession } from '#lib/store/session';
import { runSyncJob } from '#lib/sync/run-sync-job';
import { SYNC_TABLES } from '#lib/sync/sync-tables';
import type { SyncTarget } from '#lib/sync/target';
import { createSyncTarget } from '#lib/sync/targets/create-target';
import { fillSource, SOURCE_DDL } from '../../test/helpers/sync-source.ts';
import type { BenchCase, BenchContext } from '../harness.ts';
import { busyWhile } from '../machine-load.ts';
import { settleQuietly } from '../settle-quietly.ts';
import { formatSpread, median, type Spread, spread, textTable } from '../stats.ts';
import { capturePass, writePagesOnly } from '../sync-pages.ts';

const ROWS = Number(process.env.BENCH_SYNC_ROWS ?? 200_000);
const FETCH_SIZE = 2000;
const CONCURRENCY = 4;
const TARGETS = ['postgres', 'dynamodb', 's3'] as const;
const LABELS = {
  postgres: 'PostgreSQL (embedded)',
  dynamodb: 'DynamoDB (dynalite)',
  s3: 'S3 (s3rver)',
};
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
    concurrency: CONCURRENCY,
    marginMs: 1,
  };
}

/** Rows/s of one timed run, how busy the machine's CPUs were, and this process's CPU per row. */
type Timed = { rate: number; busy: number; cpuMicrosPerRow: number };

async function timedRun(
  ctx: BenchContext,
  what: string,
  run: () => Promise<number>,
): Promise<Timed> {
  await settleQuietly(ctx.progress);
  const cpu = process.cpuUsage();
  const start = performance.now();
  const { value: rows, busyPercent } = await busyWhile(run);
  const elapsed = performance.now() - start;
  const used = process.cpuUsage(cpu);
  if (rows !== ROWS) throw new Error(`${what}: moved ${rows} rows, not ${ROWS}`);
  return {
    rate: (rows / elapsed) * 1000,
    busy: busyPercent,
    cpuMicrosPerRow: (used.user + used.system) / rows,
  };
}

/** A target that takes every page and keeps nothing: the sync's reading, alone. */
const discard: SyncTarget = {
  describe: 'nothing (reading alone)',
  prepare: async () => {},
  write: async (page) => page.rows.length,
  close: async () => {},
};

/**
 * A full sync of 200,000 Cassandra rows to each target (PostgreSQL, DynamoDB, S3 on the local
 * servers), next to two baselines of the same run: a plain paged SELECT of the same table with
 * the same driver (reading alone), and the same pages written to the target with no reading
 * (the target alone).
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
      // Not TRUNCATE: Amazon Keyspaces (and Keyspaces mode) refuses it.
      await session.execute(`DROP TABLE IF EXISTS ${session.table(SOURCE)}`);
      await session.execute(SOURCE_DDL(session.keyspace, SOURCE));
      await fillSource(session, SOURCE, ROWS);
    }
    const source = { kind: 'table', name: SOURCE, table: SOURCE } as const;
    const captured = await capturePass(
      session,
      job(`bench-capture-${ctx.runId}`, { kind: 's3', bucket: 'unused' }),
      source,
    );
    const runs: Record<string, Timed[]> = { select: [], reading: [] };
    for (const k of TARGETS) {
      runs[k] = [];
      runs[`${k}-alone`] = [];
    }
    const budget = { remainingMs: () => 900_000, marginMs: 1 };
    for (let rep = 1; rep <= ctx.repeats; rep++) {
      runs.select?.push(await timedRun(ctx, 'plain SELECT', () => plainSelect(session)));
      const suffix = `${ctx.runId}_${rep}`;
      runs.reading?.push(
        await timedRun(ctx, 'reading alone', async () => {
          const spec = job(`bench-reading-${suffix}`, { kind: 's3', bucket: 'unused' });
          return (await runSyncJob(spec, source, { session, target: discard, budget })).rowsWritten;
        }),
      );
      for (const kind of TARGETS) {
        for (const alone of [false, true]) {
          const name = `${suffix}${alone ? '_alone' : ''}`;
          const target =
            kind === 'postgres'
              ? ({ kind, table: `bench_sync_${name}` } as const)
              : kind === 'dynamodb'
                ? ({ kind, table: `bench-sync-${name.replaceAll('_', '-')}` } as const)
                : ({ kind, bucket: 'cassflow-bench', prefix: `sync-${name}` } as const);
          const spec = job(`bench-${kind}-${name}`, target);
          const sink = createSyncTarget(spec.target, ctx.config);
          const timed = await timedRun(ctx, `${kind}${alone ? ' alone' : ''}`, async () => {
            if (alone) return writePagesOnly(sink, captured, CONCURRENCY);
            const result = await runSyncJob(spec, source, { session, target: sink, budget });
            return result.rowsWritten;
          }).finally(() => sink.close());
          runs[alone ? `${kind}-alone` : kind]?.push(timed);
        }
      }
      ctx.progress(
        `sync ${rep}/${ctx.repeats}: ${Object.entries(runs)
          .map(([k, v]) => `${k} ${v.at(-1)?.rate.toFixed(0)} rows/s`)
          .join(', ')}`,
      );
    }
    return syncResult(ctx, store.config.cassandra, runs);
  },
};

function syncResult(
  ctx: BenchContext,
  cassandra: BenchContext['store']['config']['cassandra'],
  runs: Record<string, Timed[]>,
) {
  const rates = Object.fromEntries(
    Object.entries(runs).map(([k, v]) => [k, v.map((r) => r.rate)]),
  ) as Record<string, number[]>;
  const spreads = Object.fromEntries(
    Object.entries(rates).map(([k, v]) => [k, spread(v)]),
  ) as Record<string, Spread>;
  const busy = (key: string) => `${median((runs[key] ?? []).map((r) => r.busy)).toFixed(0)}%`;
  const cpu = (key: string) => median((runs[key] ?? []).map((r) => r.cpuMicrosPerRow)).toFixed(1);
  const rate = (key: string) => spreads[key]?.median ?? 0;
  const select = rate('select');
  // Reading then writing, never both at once, each at its own measured rate.
  const serial = (read: number, key: string) => 1 / (1 / read + 1 / rate(`${key}-alone`));
  const store =
    cassandra.kind === 'cassandra' && cassandra.flavor === 'keyspaces'
      ? 'Keyspaces mode'
      : 'Cassandra';
  const rows = TARGETS.map((k) => [
    LABELS[k],
    formatSpread(spreads[k] as Spread),
    busy(k),
    cpu(k),
    formatSpread(spreads[`${k}-alone`] as Spread),
    serial(rate('reading'), k).toFixed(0),
    `${(rate(k) / serial(rate('reading'), k)).toFixed(2)}x`,
    `${(rate(k) / select).toFixed(2)}x`,
  ]);
  const row = (label: string, key: string) => [
    label,
    formatSpread(spreads[key] as Spread),
    busy(key),
    cpu(key),
    '',
    '',
    '',
    `${(rate(key) / select).toFixed(2)}x`,
  ];
  return {
    title: `4. Sync (${store}): a full pass over ${ROWS.toLocaleString('en-US')} rows (fetch size ${FETCH_SIZE}, 32 token ranges, 4 at a time)`,
    table: textTable(
      [
        'to',
        'sync rows/s',
        'CPUs busy',
        'bench µs CPU/row',
        'target alone rows/s',
        'serial bound',
        'vs bound',
        'vs plain SELECT',
      ],
      [
        row('plain paged SELECT (baseline)', 'select'),
        row('reading alone (no target)', 'reading'),
        ...rows,
      ],
    ),
    notes:
      `rows/s: median (min–max) of ${ctx.repeats} passes. CPUs busy: the whole machine's CPU ` +
      'use during the pass (both cores, Cassandra and the target servers included). bench µs ' +
      "CPU/row: the bench process's own CPU (the sync, or the baseline) per row. reading " +
      'alone: the same sync pass into a target that keeps nothing (token ranges, paging, values ' +
      'converted, checkpoints). target alone: the same pages written straight to the target, ' +
      `${CONCURRENCY} at a time, with nothing read (captured from a sync pass before the clock ` +
      'starts). serial bound: the rate if reading alone and the target alone ran one after the ' +
      'other, never overlapping. The targets are local servers on the same 2 cores as ' +
      "Cassandra and the bench: their speed, not the AWS services', bounds these figures.",
    figures: { rows: ROWS, fetchSize: FETCH_SIZE, store, runs },
    ratios: TARGETS.flatMap((k) => [
      {
        name: `sync to ${k} / plain paged SELECT (${store})`,
        value: rate(k) / select,
        target: 0.8,
      },
      {
        name: `sync to ${k} / its serial bound (${store})`,
        value: rate(k) / serial(rate('reading'), k),
        target: 0.9,
      },
      {
        name: `sync to ${k} / serial bound of a plain SELECT and the target (${store})`,
        value: rate(k) / serial(select, k),
      },
    ]),
  };
}
