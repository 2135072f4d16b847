import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createKinesisClient } from '#lib/kinesis/client';
import { ensureStream } from '#lib/kinesis/streams';
import { textTable } from '../stats.ts';
import { type CadenceFigures, measureCadence } from './cadence.ts';
import { type EngineName, startEngine } from './engine-process.ts';
import { catchUpRead, type LoadFigures, offerLoad } from './offered-load.ts';

/**
 * `npm run bench:kinesis [-- --seconds 60 --shards 4 --rate 1000 --engines cassflow,kinesis-mock]`
 * offers each local Kinesis engine a real shard's write rate and prints what it accepted, how
 * put latency moved over the run, what readers got, and the server's peak memory. `--long` is
 * 10 minutes (600,000 records held per shard), on cassflow's engine only unless named.
 */
const { values } = parseArgs({
  options: {
    seconds: { type: 'string' },
    shards: { type: 'string', default: '4' },
    rate: { type: 'string', default: '1000' },
    bytes: { type: 'string', default: '200' },
    engines: { type: 'string' },
    long: { type: 'boolean', default: false },
    'cadence-seconds': { type: 'string', default: '15' },
    out: { type: 'string' },
  },
});
const seconds = Number(values.seconds ?? (values.long ? 600 : 60));
const shards = Number(values.shards);
const rate = Number(values.rate);
const engines = (values.engines ?? (values.long ? 'cassflow' : 'cassflow,kinesis-mock')).split(
  ',',
) as EngineName[];
const windowSeconds = Math.max(5, Math.round(seconds / 10));
const lines: string[] = [];
const say = (line: string) => {
  console.log(line);
  lines.push(line);
};

say(
  `Offered: ${shards} shards x ${rate} records/s of ${values.bytes} B for ${seconds} s ` +
    `(PutRecords every 100 ms, refused records not retried), one reader per shard at 5 GetRecords/s.`,
);
const results: {
  engine: EngineName;
  figures: LoadFigures;
  catchUpMiBs: number;
  peakRssMiB: number;
  cadence: CadenceFigures[];
}[] = [];
for (const name of engines) {
  const engine = await startEngine(name);
  const kinesis = createKinesisClient(
    { endpoint: engine.endpoint, region: 'us-east-1', useDummyCredentials: true },
    { maxAttempts: 1 },
  );
  try {
    await ensureStream(kinesis, 'rate', shards);
    const figures = await offerLoad(kinesis, 'rate', {
      shards,
      ratePerShard: rate,
      seconds,
      recordBytes: Number(values.bytes),
      windowSeconds,
    });
    const catchUpMiBs = await catchUpRead(kinesis, 'rate', 15);
    const peakRssMiB = engine.peakRssMiB();
    const cadence = await measureCadence(kinesis, Number(values['cadence-seconds']));
    results.push({ engine: name, figures, catchUpMiBs, peakRssMiB, cadence });
    say(`\n${name}: accepted ${figures.accepted} of ${figures.offered} offered`);
    say(
      textTable(
        ['window', 'accepted rec/s', 'throttled', 'put p50 ms', 'put p99 ms'],
        figures.windows.map((w, i) => [
          `${i * windowSeconds}-${(i + 1) * windowSeconds} s`,
          String(Math.round(w.accepted / windowSeconds)),
          String(w.throttled),
          String(Math.round(w.putP50Ms)),
          String(Math.round(w.putP99Ms)),
        ]),
      ),
    );
  } finally {
    kinesis.destroy();
    await engine.stop();
  }
}

say('\nSummary (ratios against the offered rate, measured in this run)');
say(
  textTable(
    [
      'engine',
      'accepted rec/s',
      'x offered',
      'last/first window',
      'p99 last/first',
      'failed calls',
      'read lag p99 ms',
      'catch-up MiB/s (1 shard)',
      'peak RSS MiB',
    ],
    results.map(({ engine, figures: f, catchUpMiBs, peakRssMiB }) => {
      const first = f.windows[0];
      const last = f.windows[f.windows.length - 1];
      return [
        engine,
        String(Math.round(f.accepted / seconds)),
        (f.accepted / f.offered).toFixed(2),
        first && last && first.accepted > 0 ? (last.accepted / first.accepted).toFixed(2) : '-',
        first && last && first.putP99Ms > 0 ? (last.putP99Ms / first.putP99Ms).toFixed(2) : '-',
        String(f.failedCalls + f.skippedTicks),
        String(Math.round(f.readLagP99Ms)),
        catchUpMiBs.toFixed(2),
        String(peakRssMiB),
      ];
    }),
  ),
);
say('\nDelivery cadence of the event-source emulator, beside what Lambda documents');
say(
  textTable(
    [
      'engine',
      'case',
      'invocations',
      'gap p50 ms',
      'latency p50 / p99 / max ms',
      'all delivered in',
      'Lambda',
    ],
    results.flatMap(({ engine, cadence }) =>
      cadence.map((c) => [
        engine,
        c.case,
        String(c.invocations),
        String(Math.round(c.gapP50Ms)),
        `${Math.round(c.latencyP50Ms)} / ${Math.round(c.latencyP99Ms)} / ${Math.round(c.latencyMaxMs)}`,
        c.drainMs === undefined ? '' : `${(c.drainMs / 1000).toFixed(1)} s`,
        c.lambda,
      ]),
    ),
  ),
);
if (values.out) writeFileSync(values.out, `${lines.join('\n')}\n`);
