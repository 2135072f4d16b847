import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { mappingName } from '#lib/emulator/runtime/mapping-name';
import { createKinesisClient } from '#lib/kinesis/client';
import { deleteStream } from '#lib/kinesis/streams';
import { readWindows } from '#lib/query/read-windows';
import { ShardCheckpoints } from '#lib/store/checkpoints';
import { main } from '../../cli/main.ts';
import pipeline from '../fixtures/dashboard-browser-pipeline.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { type CliProcess, cliProcess } from '../helpers/cli-process.ts';
import { collectOutput } from '../helpers/collect-output.ts';
import { integrationConfig, storeSession } from '../helpers/integration-config.ts';

const FIXTURE = fileURLToPath(
  new URL('../fixtures/dashboard-browser-pipeline.ts', import.meta.url),
);
/** Where the README's screenshot comes from: `npm run screenshot` points this at docs/images. */
const SCREENSHOT = process.env.CASSFLOW_SCREENSHOT ?? join(tmpdir(), 'cassflow-dashboard.png');
const FIRST = 400;
const SINGLES = 5;

let run: CliProcess | undefined;
let browser: Browser | undefined;
afterAll(async () => {
  await browser?.close();
  await run?.interrupt();
});

const count = (text: string | null) => Number((text ?? '').replace(/,/g, ''));

async function send(args: string[]): Promise<void> {
  const sent = collectOutput();
  expect(await main(['send', '--stream', pipeline.stream, ...args], sent.out)).toBe(0);
}

/** A figure of the pipeline's card, as the page shows it. */
function figure(page: Page, id: string): Promise<string | null> {
  return page.textContent(`[data-pipeline="${pipeline.name}"] [data-figure="${id}"] .value`);
}

describe('the dashboard in a real browser', () => {
  it('shows the stored results as events flow, and moves as they arrive', async () => {
    const config = integrationConfig();
    const kinesis = createKinesisClient(config.kinesis);
    await deleteStream(kinesis, pipeline.stream);
    run = cliProcess(
      ['run', FIXTURE, '--ui', '--ui-port', '0', '--json', '--status', '0', '--shards', '4'],
      { ...process.env, CASSANDRA_KEYSPACE: config.cassandra.keyspace },
    );
    const url = await run.result<string>('dashboard', 90_000);
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const requested: string[] = [];
    const failures: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    page.on('pageerror', (e) => failures.push(e.message));
    await page.goto(url);
    await page.waitForSelector(`[data-pipeline="${pipeline.name}"] [data-figure="processed"]`);

    // 400 page views over 6 pages and 4 shards: the page counts them all, as the store does.
    await send(['--generate', String(FIRST), '--keys', '6']);
    await expect
      .poll(async () => count(await figure(page, 'processed')), { timeout: 60_000, interval: 100 })
      .toBe(FIRST);
    await expect
      .poll(async () => count(await figure(page, 'checkpointed')), { timeout: 30_000 })
      .toBe(FIRST);
    const { session } = storeSession(config);
    try {
      const mapping = await mappingName(kinesis, pipeline.name, pipeline.stream);
      const stored = await new ShardCheckpoints(session).read(mapping, pipeline.stream);
      const shardRows = await page.$$eval('table.shards tbody tr[data-shard]', (rows) =>
        rows.map((r) => [
          r.getAttribute('data-shard'),
          r.querySelector('.checkpointed')?.textContent ?? '',
        ]),
      );
      expect(shardRows).toHaveLength(4);
      // A shard none of the 6 pages hashed to has no checkpoint yet: '–', as the store has none.
      expect(shardRows).toEqual(
        shardRows.map(([id]) => {
          const records = stored.get(id ?? '')?.records;
          return [id, records === undefined ? '–' : Number(records).toLocaleString('en-US')];
        }),
      );
      expect([...stored.values()].reduce((n, c) => n + Number(c.records), 0)).toBe(FIRST);

      // The window browser, narrowed to a key and a window, shows what the store holds.
      const shownWindows = async (key: string) => {
        await page.fill('#window-key', key);
        await page.selectOption('#window-name', 'tumbling_1m');
        await page.click('#window-form button');
        // Until the answer to this query shows: rows of this key only (an earlier one had all).
        await page.waitForFunction(
          `[...document.querySelectorAll('#windows tbody tr')].every((r) => r.dataset.key === ${JSON.stringify(key)}) && document.querySelector('#windows tbody tr') !== null`,
        );
        return page.$$eval('#windows tbody tr', (rows) =>
          rows.map((r) => ({
            key: r.getAttribute('data-key'),
            start: Number(r.getAttribute('data-start')),
            events: r.querySelector('.events')?.textContent ?? '',
          })),
        );
      };
      // What the browser shows of a key: its newest two windows.
      const storedEvents = async (key: string) =>
        (await readWindows(session, pipeline, { key }))
          .sort((a, b) => b.start - a.start)
          .slice(0, 2)
          .reduce((n, w) => n + Number(w.events), 0);
      const rows = await shownWindows('/page/1');
      const results = await readWindows(session, pipeline, { key: '/page/1' });
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        expect(row.key).toBe('/page/1');
        const same = results.find((r) => r.start === row.start);
        expect(count(row.events)).toBe(Number(same?.events));
      }

      // One event at a time: each moves the processed figure by one. The time from the send to
      // the page is the update latency (batching window, poll, and the page's stream).
      const latencies: number[] = [];
      for (let i = 0; i < SINGLES; i++) {
        const before = count(await figure(page, 'processed'));
        const sentAt = Date.now();
        await send(['--generate', '1', '--keys', '1']);
        await expect
          .poll(async () => count(await figure(page, 'processed')), {
            timeout: 30_000,
            interval: 20,
          })
          .toBe(before + 1);
        latencies.push(Date.now() - sentAt);
      }
      latencies.sort((a, b) => a - b);
      console.log(
        `dashboard: a record's arrival reached the page in ${latencies.join(', ')} ms ` +
          `(median ${latencies[Math.floor(SINGLES / 2)]} ms) with cassflow run's defaults`,
      );
      // The browser follows the store: /page/0 took the single events.
      const expected = await storedEvents('/page/0');
      await shownWindows('/page/0');
      await expect
        .poll(
          async () =>
            (
              await page.$$eval('#windows tbody tr .events', (cells) =>
                cells.map((c) => c.textContent),
              )
            )
              .map(count)
              .reduce((a, b) => a + b, 0),
          { timeout: 30_000 },
        )
        .toBe(expected);
    } finally {
      await session.shutdown();
      kinesis.destroy();
    }

    // A record without its event time: a dead letter, listed with its field and reason.
    const file = join(mkdtempSync(join(tmpdir(), 'cassflow-browser-')), 'bad.jsonl');
    writeFileSync(file, '{"page":"/broken"}\n');
    await send(['--file', file]);
    await expect
      .poll(() => page.textContent('table.dead-letters tbody'), { timeout: 30_000 })
      .toMatch(/ts.*event time/);

    await page.fill('#window-key', '');
    await page.selectOption('#window-name', '');
    await page.click('#window-form button');
    await page.waitForTimeout(1000);
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    console.log(`dashboard: screenshot in ${SCREENSHOT}`);

    // Nothing beyond the dashboard's own address, and no script error.
    const origin = new URL(url).origin;
    expect(requested.filter((r) => !r.startsWith(origin))).toEqual([]);
    expect(failures).toEqual([]);
    expect(await run.interrupt()).toBe(0);
  });
});
