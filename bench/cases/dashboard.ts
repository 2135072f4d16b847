import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { createKinesisClient } from '#lib/kinesis/client';
import { deleteStream } from '#lib/kinesis/streams';
import { tablesOf } from '#lib/store/pipeline-tables';
import { main } from '../../cli/main.ts';
import { launchChromium } from '../../test/helpers/chromium.ts';
import { cliProcess } from '../../test/helpers/cli-process.ts';
import { installProbe, type PageFigures, readProbe, resetProbe } from '../dashboard/page-probe.ts';
import pipeline from '../dashboard-pipeline.ts';
import { percentile } from '../end-to-end/percentile.ts';
import type { BenchCase, BenchContext } from '../harness.ts';
import { textTable } from '../stats.ts';

const FILE = fileURLToPath(new URL('../dashboard-pipeline.ts', import.meta.url));
const SHARDS = 4;
/** Sent as fast as the local Kinesis takes them (its 1,000 records/s a shard): about 15 s. */
const LOAD_RECORDS = 60_000;
const IDLE_MS = 15_000;
const SINGLES = 7;

type Phase = PageFigures & {
  apiMs: number[];
  /** A request the server answers with nothing (its favicon): the process's own delay. */
  trivialMs: number[];
  stalenessMs: number[];
  seconds: number;
  /** An empty page's lag over the same time: what the machine's load alone costs a page. */
  blankLagMs: number[];
};

const quiet = { info: () => undefined, error: () => undefined, result: () => undefined };

async function send(args: string[]): Promise<void> {
  const code = await main(['send', '--stream', pipeline.stream, ...args], quiet);
  if (code !== 0) throw new Error(`cassflow send ${args.join(' ')} ended with ${code}`);
}

async function processed(page: Page): Promise<number> {
  const text = await page.textContent('[data-figure="processed"] .value');
  return Number((text ?? '').replace(/,/g, ''));
}

/**
 * Over `work`: the page's renders, lag and long tasks; how long /api/snapshot takes; and how old
 * the snapshot the page shows is (now minus its `at`), sampled every 100 ms.
 */
async function measure(
  page: Page,
  blank: Page,
  url: string,
  work: () => Promise<void>,
): Promise<Phase> {
  await resetProbe(page);
  await resetProbe(blank);
  const apiMs: number[] = [];
  const trivialMs: number[] = [];
  const stalenessMs: number[] = [];
  let running = true;
  const sampling = (async () => {
    while (running) {
      const t = performance.now();
      await (await fetch(new URL('api/snapshot', url))).arrayBuffer();
      apiMs.push(performance.now() - t);
      const u = performance.now();
      await (await fetch(new URL('favicon.ico', url))).arrayBuffer();
      trivialMs.push(performance.now() - u);
      const at = await page.getAttribute('#status', 'data-at');
      if (at) stalenessMs.push(Date.now() - Date.parse(at));
      await sleep(100);
    }
  })();
  const started = performance.now();
  try {
    await work();
  } finally {
    running = false;
    await sampling;
  }
  return {
    ...(await readProbe(page)),
    blankLagMs: (await readProbe(blank)).lagMs,
    apiMs,
    trivialMs,
    stalenessMs,
    seconds: (performance.now() - started) / 1000,
  };
}

/** From a record's send until the page counts it, one record at a time. */
async function updateLatencies(page: Page): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < SINGLES; i++) {
    const before = await processed(page);
    const sentAt = Date.now();
    await send(['--generate', '1', '--keys', '1']);
    while ((await processed(page)) < before + 1) await sleep(10);
    latencies.push(Date.now() - sentAt);
  }
  return latencies;
}

const row = (name: string, idle: number, load: number, digits = 1) => [
  name,
  idle.toFixed(digits),
  load.toFixed(digits),
  idle > 0 ? (load / idle).toFixed(2) : '-',
];

/**
 * The dashboard of `cassflow run --ui` (its own process, 4 shards) in Debian's Chromium, idle and
 * while 60,000 page views go in at the local Kinesis' full rate: the page's render per update,
 * its main thread's lag, its long tasks, the snapshot API's time and how stale the page is. The
 * baseline is the same page on the same run while nothing is sent. Also the update latency: from
 * a record's send to its count on the page, one at a time, with `cassflow run`'s defaults.
 */
export const dashboardCase: BenchCase = {
  name: 'dashboard',
  async run(ctx: BenchContext) {
    const kinesis = createKinesisClient(ctx.config.kinesis);
    await deleteStream(kinesis, pipeline.stream);
    kinesis.destroy();
    await ctx.store.dropTables(tablesOf(pipeline));
    const run = cliProcess(
      [
        'run',
        FILE,
        '--ui',
        '--ui-port',
        '0',
        '--json',
        '--status',
        '0',
        '--shards',
        String(SHARDS),
      ],
      { ...process.env, CASSANDRA_KEYSPACE: ctx.store.config.cassandra.keyspace },
    );
    const browser = await launchChromium();
    try {
      const url = await run.result<string>('dashboard', 120_000);
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      await installProbe(page);
      await page.goto(url);
      await page.waitForSelector('[data-figure="processed"]');
      const blank = await browser.newPage();
      await installProbe(blank);
      await blank.goto('about:blank');
      ctx.progress(`dashboard: ${url}; idle for ${IDLE_MS / 1000} s`);
      const latencies = await updateLatencies(page);
      const idle = await measure(page, blank, url, () => sleep(IDLE_MS));
      ctx.progress(`dashboard: ${LOAD_RECORDS.toLocaleString('en-US')} records at full rate`);
      const before = await processed(page);
      const load = await measure(page, blank, url, async () => {
        await send(['--generate', String(LOAD_RECORDS), '--keys', '100']);
        while ((await processed(page)) < before + LOAD_RECORDS) await sleep(100);
      });
      const rate = LOAD_RECORDS / load.seconds;
      const p = (values: number[], q: number) => (values.length > 0 ? percentile(values, q) : 0);
      const rows = [
        row('render per update p50 (ms)', p(idle.renders, 50), p(load.renders, 50), 2),
        row('render per update p95 (ms)', p(idle.renders, 95), p(load.renders, 95), 2),
        row(
          'updates per second',
          idle.renders.length / idle.seconds,
          load.renders.length / load.seconds,
          2,
        ),
        row('main-thread lag p99 (ms)', p(idle.lagMs, 99), p(load.lagMs, 99)),
        row('  an empty page beside it', p(idle.blankLagMs, 99), p(load.blankLagMs, 99)),
        row('long tasks (over 50 ms)', idle.longTasks.length, load.longTasks.length, 0),
        row('/api/snapshot p95 (ms)', p(idle.apiMs, 95), p(load.apiMs, 95)),
        row('  an empty answer, same server', p(idle.trivialMs, 95), p(load.trivialMs, 95)),
        row('page staleness p50 (ms)', p(idle.stalenessMs, 50), p(load.stalenessMs, 50), 0),
        row('page staleness p95 (ms)', p(idle.stalenessMs, 95), p(load.stalenessMs, 95), 0),
      ];
      const sorted = [...latencies].sort((a, b) => a - b);
      return {
        title: `Dashboard: cassflow run --ui, ${SHARDS} shards, in headless Chromium`,
        table: textTable(['figure', 'idle', 'at full rate', 'ratio'], rows),
        notes:
          `Full rate: ${LOAD_RECORDS.toLocaleString('en-US')} page views processed at ` +
          `${Math.round(rate).toLocaleString('en-US')}/s. Update latency, a record's send to ` +
          `its count on the page (idle, cassflow run's defaults: 1 s batching window, 1 s poll ` +
          `when caught up, 500 ms page updates): ${sorted.join(', ')} ms, median ` +
          `${sorted[Math.floor(sorted.length / 2)]} ms.`,
        figures: { idle, load, latencies, rate },
        ratios: [
          {
            name: 'dashboard lag p99 / empty page, at full rate',
            value: p(load.lagMs, 99) / Math.max(p(load.blankLagMs, 99), 0.1),
          },
          {
            name: 'snapshot p95 / empty answer, at full rate',
            value: p(load.apiMs, 95) / Math.max(p(load.trivialMs, 95), 0.1),
          },
          {
            name: 'page staleness p95, full rate / idle',
            value: p(load.stalenessMs, 95) / Math.max(p(idle.stalenessMs, 95), 1),
          },
        ],
      };
    } finally {
      await browser.close();
      await run.interrupt();
      await ctx.store.dropTables(tablesOf(pipeline));
    }
  },
};
