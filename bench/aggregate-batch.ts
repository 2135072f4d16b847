/**
 * Benchmark: one 10,000-record Kinesis batch through the real aggregation handler on the local
 * Cassandra, against a naive one-LWT-per-event baseline and the in-memory fold. See README.md.
 *
 * Run: node bin/cassflow.js local up && npm run bench:aggregate
 */
import os from 'node:os';
import { DEFAULT_ENGINE_SETTINGS } from '#lib/engine/cql-ports';
import { kinesisEvent } from '../test/helpers/kinesis-events.ts';
import { benchPipeline, runCassflowOnce } from './cassflow-run.ts';
import { inMemoryFoldRates } from './in-memory-fold.ts';
import { BUSY_PERCENT, sampleCpu, settle } from './machine-load.ts';
import { naiveTable, runNaive } from './naive-lwt.ts';
import { benchEvents, shardRecords } from './records.ts';
import { type KeyCountResult, printReport } from './report.ts';
import { BenchSetupError, type BenchStore, openBenchStore, sumColumn } from './store.ts';

const RECORDS = 10_000;
const KEY_COUNTS = [100, 10_000];
const REPEATS = 3;
/** The naive baseline may run on a prefix of the batch (BENCH_NAIVE_RECORDS) if it is too slow. */
const NAIVE_RECORDS = Number(process.env.BENCH_NAIVE_RECORDS ?? RECORDS);
const CONCURRENCY = DEFAULT_ENGINE_SETTINGS.concurrency;

const progress = (line: string) => console.error(`[bench] ${line}`);

/** Before each timed call: waits for the CPUs to calm down, and says so when that took a while. */
async function settleBeforeTiming() {
  const { waitedMs, machinePercent } = await settle();
  if (waitedMs > 1000) {
    const still = machinePercent > BUSY_PERCENT ? `, still ${machinePercent.toFixed(0)}% busy` : '';
    progress(`waited ${(waitedMs / 1000).toFixed(1)} s for the CPUs to settle${still}`);
  }
}

function batchFor(keys: number) {
  return kinesisEvent(shardRecords(benchEvents(RECORDS, keys)));
}

async function naiveOnce(store: BenchStore, name: string, keys: number, records: number) {
  const table = naiveTable(name);
  await store.createTables([table]);
  try {
    const event = batchFor(keys);
    await settleBeforeTiming();
    const run = await runNaive(
      store.session,
      table.name,
      { Records: event.Records.slice(0, records) },
      CONCURRENCY,
    );
    const counted = await sumColumn(store, table.name, 'n');
    if (counted !== BigInt(run.records)) {
      throw new Error(`naive: rows hold ${counted} events, not ${run.records}`);
    }
    return run;
  } finally {
    await store.dropTables([table]);
  }
}

/** JIT, connection pool and driver paths warmed on other tables, so no measured run pays them. */
async function warmUp(store: BenchStore, runId: string) {
  progress('warm-up: cassflow handler and naive baseline on their own tables');
  await runCassflowOnce(store, benchPipeline(`bench_${runId}_warm`), batchFor(1000));
  await naiveOnce(store, `bench_${runId}_naive_warm`, 1000, 2000);
}

/** Samples the CPUs while the bench waits: other work on the cores makes every figure noisy. */
async function checkQuiet(): Promise<number> {
  const { machinePercent, otherPercent } = await sampleCpu();
  progress(
    `CPUs ${machinePercent.toFixed(0)}% busy while the bench waits, ` +
      `${otherPercent.toFixed(0)}% of it other work than the bench and Cassandra`,
  );
  if (otherPercent > BUSY_PERCENT) {
    progress('WARNING: something else is using the CPUs; these figures will be slow and noisy');
  }
  return otherPercent;
}

async function measureKeyCount(store: BenchStore, runId: string, keys: number) {
  const event = batchFor(keys);
  const result: KeyCountResult = {
    keys,
    backgroundCpuPercent: await checkQuiet(),
    cassflow: [],
    naive: [],
    inMemory: inMemoryFoldRates(benchPipeline('bench_fold'), event),
  };
  for (let rep = 1; rep <= REPEATS; rep++) {
    const name = `bench_${runId}_k${keys}_r${rep}`;
    const run = await runCassflowOnce(store, benchPipeline(name), event, settleBeforeTiming);
    result.cassflow.push(run);
    progress(
      `K=${keys} run ${rep}/${REPEATS}: cassflow ${run.wallMs.toFixed(0)} ms, ` +
        `${run.eventsPerSec.toFixed(0)} events/s (${run.rows} rows, ${run.windowsClosed} closed)`,
    );
    const naive = await naiveOnce(
      store,
      `bench_${runId}_naive_k${keys}_r${rep}`,
      keys,
      NAIVE_RECORDS,
    );
    result.naive.push(naive);
    progress(
      `K=${keys} run ${rep}/${REPEATS}: naive ${naive.wallMs.toFixed(0)} ms for ` +
        `${naive.records} records, ${naive.eventsPerSec.toFixed(0)} events/s`,
    );
  }
  return result;
}

async function main() {
  // The handler's EMF metrics would flood stdout; the bench reads the figures directly.
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const store = await openBenchStore();
  const runId = Date.now().toString(36);
  try {
    progress(
      `Cassandra ${store.config.cassandra.contactPoints.join(',')}, keyspace ` +
        `${store.session.keyspace}, run ${runId}`,
    );
    const leftovers = await store.dropTablesNamed(/^bench_/);
    if (leftovers > 0) progress(`dropped ${leftovers} tables left by an interrupted run`);
    await warmUp(store, runId);
    const results: KeyCountResult[] = [];
    for (const keys of KEY_COUNTS) results.push(await measureKeyCount(store, runId, keys));
    // Once more at the end: contention that started mid-run shows here.
    const busyAfter = await checkQuiet();
    printReport({
      date: new Date().toISOString(),
      node: process.version,
      cpus: os.cpus().length,
      records: RECORDS,
      naiveRecords: Math.min(NAIVE_RECORDS, RECORDS),
      repeats: REPEATS,
      concurrency: CONCURRENCY,
      backgroundCpuPercent: Math.max(busyAfter, ...results.map((r) => r.backgroundCpuPercent)),
      busyThresholdPercent: BUSY_PERCENT,
      results,
    });
  } finally {
    // Each run drops its tables; these are the ones a failure left behind.
    await store.dropTablesNamed(new RegExp(`^bench_${runId}_`)).catch(() => 0);
    await store.close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof BenchSetupError) {
    console.error(`bench: ${error.message}`);
  } else {
    console.error('bench failed:', error);
    console.error('Is the local stack up? Check with: node bin/cassflow.js local status');
  }
  process.exitCode = 1;
});
