/**
 * `npm run soak`: the pipeline runs for a long time and its costs are watched for growth.
 *
 * A Cassandra of its own (cache dir .cache/soak, ports 19142/17100) with its tombstone
 * thresholds lowered (warn 100, fail 2,000: growth shows in minutes, not days) and a local Kinesis
 * (port 14668); the local runtime runs a pipeline of all three window kinds on a 4-shard stream
 * (resharded to 8 and back every `--reshard-every` minutes, see reshard.ts) with the tick every
 * minute, fed at a steady rate, event time running `--speed` times faster
 * than the clock (30 minutes at 10x are 5 hours of windows). Every minute it prints and keeps:
 * the tombstones and live rows the closer's reads cost (shards, cursor, open index from `done`),
 * windows due but not closed, the watermark's and the closer's lag, and Cassandra's tombstone
 * warnings and failures. The report goes to bench/results/soak-latest.json.
 *
 *   npm run soak                         # 30 minutes
 *   npm run soak -- --minutes 5 --rate 50 --reshard-every 1
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { resolveConfig } from '#lib/config/config';
import { startRuntime } from '#lib/emulator/runtime/runtime';
import { createKinesisClient } from '#lib/kinesis/client';
import { deleteStream, ensureStream } from '#lib/kinesis/streams';
import { cassandraPaths, startLocalCassandra, stopLocalCassandra } from '#lib/stack/cassandra/node';
import { startKinesisEmulator, stopKinesisEmulator } from '#lib/stack/kinesis/emulator';
import { createCassandraClient } from '#lib/store/client';
import { CassandraSession, sessionOptions } from '#lib/store/session';
import { soakPipeline, startSoakLoad } from './load.ts';
import { printSample, soakVerdict } from './report.ts';
import { endedShards, startResharding } from './reshard.ts';
import { type SoakSample, sampleStore } from './sample.ts';
import { countTombstoneLines } from './tombstone-log.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    rate: { type: 'string', default: '100' },
    speed: { type: 'string', default: '10' },
    shards: { type: 'string', default: '4' },
    'reshard-every': { type: 'string', default: '5' },
    out: { type: 'string', default: 'bench/results/soak-latest.json' },
  },
});
const minutes = Number(values.minutes);
const rate = Number(values.rate);
const speed = Number(values.speed);
const shards = Number(values.shards);
const reshardEveryMs = Number(values['reshard-every']) * 60_000;
const log = (line: string) => console.error(`[soak] ${line}`);

Object.assign(process.env, {
  CASSFLOW_CACHE_DIR: new URL('../../.cache/soak', import.meta.url).pathname,
  CASSANDRA_PORT: '19142',
  CASSFLOW_CASSANDRA_STORAGE_PORT: '17100',
  AWS_ENDPOINT_URL_KINESIS: 'http://127.0.0.1:14668',
  CASSFLOW_KINESIS_TLS_PORT: '14667',
  CASSFLOW_CASSANDRA_TOMBSTONE_WARN: '100',
  CASSFLOW_CASSANDRA_TOMBSTONE_FAILURE: '2000',
  POWERTOOLS_METRICS_DISABLED: 'true',
});
const config = resolveConfig(process.env);
const pipeline = soakPipeline();
log(`starting a Cassandra and a local Kinesis of the soak's own (${config.local.cacheDir})`);
// Every soak starts from an empty store: dropping the last run's keyspace instead raced the
// runtime's schema apply (its tables were seen as present while the drop was still settling).
await stopLocalCassandra(config.local.cacheDir, config.local.cassandra.dir);
rmSync(cassandraPaths(config.local.cacheDir, config.local.cassandra.dir).data, {
  recursive: true,
  force: true,
});
await Promise.all([
  startLocalCassandra(config, process.env, log),
  startKinesisEmulator(config, process.env, log),
]);
const cassandraLog = cassandraPaths(config.local.cacheDir, config.local.cassandra.dir).process
  .logFile;
const kinesis = createKinesisClient(config.kinesis);
const client = createCassandraClient(config.cassandra);
const session = new CassandraSession(
  client,
  config.cassandra.keyspace,
  sessionOptions(config.cassandra),
);
const samples: SoakSample[] = [];
try {
  await deleteStream(kinesis, pipeline.stream);
  await ensureStream(kinesis, pipeline.stream, shards);
  const figures = { records: 0, late: 0 };
  const runtime = await startRuntime({ config, pipelines: [pipeline], log: () => {}, shards });
  const running = runtime.pipelines[0];
  const start = Date.now();
  const eventNow = () => start + (Date.now() - start) * speed;
  const load = startSoakLoad({ kinesis, stream: pipeline.stream, rate, eventNow });
  const resharding = startResharding({
    kinesis,
    stream: pipeline.stream,
    shards,
    everyMs: reshardEveryMs,
    log,
  });
  log(
    `${minutes} minutes at ${rate} events/s over ${shards} shards (${shards * 2} every other ${values['reshard-every']} minutes), event time at ${speed}x`,
  );
  for (let minute = 1; minute <= minutes; minute++) {
    await sleep(start + minute * 60_000 - Date.now());
    figures.records = running?.figures.records ?? 0;
    figures.late = running?.figures.late ?? 0;
    const tombstones = countTombstoneLines(cassandraLog);
    const sample: SoakSample = {
      minute,
      ...figures,
      ...(await sampleStore(
        client,
        session,
        pipeline,
        eventNow(),
        await endedShards(kinesis, pipeline.stream),
      )),
      tombstoneWarnings: tombstones.warnings,
      tombstoneFailures: tombstones.failures,
    };
    samples.push(sample);
    console.log(printSample(sample, minute === 1));
  }
  await resharding.stop();
  load.stop();
  await runtime.stop();
  const verdict = soakVerdict(samples);
  for (const line of verdict.lines) console.log(line);
  mkdirSync(new URL('../results', import.meta.url).pathname, { recursive: true });
  writeFileSync(
    values.out,
    `${JSON.stringify({ minutes, rate, speed, shards, reshards: resharding.reshards, samples, verdict }, null, 2)}\n`,
  );
  log(`report written to ${values.out}`);
  process.exitCode = verdict.flat ? 0 : 1;
} finally {
  await session.shutdown().catch(() => {});
  kinesis.destroy();
  await Promise.all([
    stopLocalCassandra(config.local.cacheDir, config.local.cassandra.dir),
    stopKinesisEmulator(config.local.cacheDir),
  ]);
}
