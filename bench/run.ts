/**
 * `npm run bench`: every benchmark of bench/README.md in one run, against the local real
 * Cassandra and Kinesis (started if they are not running, and stopped again afterwards).
 * Prints a table per case with each figure beside a baseline measured in the same run, and
 * writes the whole report as JSON.
 *
 *   npm run bench                               # all cases, about 40 minutes on 2 cores
 *   npm run bench -- --only handler,hot-key     # some of them
 *   npm run bench -- --out report.json          # default bench/results/latest.json
 *   npm run bench -- --only end-to-end --long   # end to end 10 minutes per shard count
 *   npm run bench -- --only end-to-end --shards 4   # end to end at 4 shards only
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveConfig } from '#lib/config/config';
import { localDown, localUp, startedServices } from '#lib/stack/stack';
import { BENCH_CASES } from './cases/index.ts';
import type { BenchContext, CaseResult } from './harness.ts';
import { printResults } from './print-results.ts';
import { openBenchStore } from './store.ts';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    out: { type: 'string', default: 'bench/results/latest.json' },
    repeats: { type: 'string', default: '3' },
    long: { type: 'boolean', default: false },
    shards: { type: 'string' },
  },
});
const progress = (line: string) => console.error(`[bench] ${line}`);

const names = BENCH_CASES.map((c) => c.name);
const only = values.only?.split(',').map((s) => s.trim());
const unknown = only?.filter((n) => !names.includes(n)) ?? [];
if (unknown.length > 0) {
  console.error(`bench: no case named ${unknown.join(', ')} (there are: ${names.join(', ')})`);
  process.exit(2);
}
const shardCounts = values.shards?.split(',').map(Number);
if (shardCounts?.some((n) => !Number.isInteger(n) || n < 1 || n > 64)) {
  console.error(
    `bench: --shards takes shard counts from 1 to 64, like 1,2,4; got ${values.shards}`,
  );
  process.exit(2);
}
const repeats = Number(values.repeats);
if (!Number.isInteger(repeats) || repeats < 1) {
  console.error(`bench: --repeats must be a whole number of at least 1, got ${values.repeats}`);
  process.exit(2);
}

// The handlers' EMF metrics would flood stdout; the bench reads the figures directly.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
const config = resolveConfig(process.env);
const started = Date.now();
progress('bringing up the local stack (Cassandra, Kinesis, the sync targets)');
const stack = await localUp(config, process.env, progress);
const store = await openBenchStore().catch(async (error: unknown) => {
  await localDown(config, startedServices(stack));
  throw error;
});
const runId = Date.now().toString(36);
const ctx: BenchContext = {
  store,
  config,
  runId,
  repeats,
  long: values.long,
  shardCounts,
  progress,
};
const results: CaseResult[] = [];
let failed = false;
try {
  const leftovers = await store.dropTablesNamed(/^bench_/);
  if (leftovers > 0) progress(`dropped ${leftovers} tables left by an interrupted run`);
  for (const benchCase of BENCH_CASES.filter((c) => !only || only.includes(c.name))) {
    const caseStart = Date.now();
    progress(`== ${benchCase.name}`);
    try {
      const result = await benchCase.run(ctx);
      results.push(result);
      progress(`${benchCase.name}: done in ${((Date.now() - caseStart) / 1000).toFixed(0)} s`);
      console.log(
        `\n${result.title}\n\n${result.table}${result.notes ? `\n\n${result.notes}` : ''}`,
      );
    } catch (error) {
      failed = true;
      progress(`${benchCase.name} FAILED: ${error instanceof Error ? error.stack : String(error)}`);
    }
  }
} finally {
  await store.dropTablesNamed(new RegExp(`^bench_${runId}_`)).catch(() => 0);
  await store.close();
  await localDown(config, startedServices(stack));
}

const machine = {
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
};
printResults(results, machine, (Date.now() - started) / 1000);
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(
  values.out,
  `${JSON.stringify({ date: new Date().toISOString(), machine, results }, null, 2)}\n`,
);
progress(`report written to ${values.out}`);
if (failed) {
  console.error('bench: a case failed (see above); its figures are missing from the report');
  process.exitCode = 1;
}
