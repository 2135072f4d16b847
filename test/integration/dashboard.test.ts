import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { DashboardServer } from '#lib/dashboard/dashboard-server';
import { startLiveDashboard } from '#lib/dashboard/live-dashboard';
import type { PipelineStoreFigures } from '#lib/dashboard/pipeline-store-figures';
import type { DashboardSnapshot } from '#lib/dashboard/snapshot';
import type { WindowPage } from '#lib/dashboard/window-browser';
import { type Runtime, startRuntime } from '#lib/emulator/runtime/runtime';
import { createKinesisClient } from '#lib/kinesis/client';
import { deleteStream } from '#lib/kinesis/streams';
import { readWindows } from '#lib/query/read-windows';
import { main } from '../../cli/main.ts';
import pipeline from '../fixtures/dashboard-pipeline.ts';
import { cliProcess } from '../helpers/cli-process.ts';
import { collectOutput } from '../helpers/collect-output.ts';
import { integrationConfig, storeSession } from '../helpers/integration-config.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/dashboard-pipeline.ts', import.meta.url));
const SENT = 300;

let runtime: Runtime | undefined;
let dashboard: DashboardServer | undefined;
afterAll(async () => {
  await dashboard?.close();
  await runtime?.stop();
});

async function snapshotOf(url: string): Promise<DashboardSnapshot> {
  return (await (await fetch(new URL('api/snapshot', url))).json()) as DashboardSnapshot;
}

async function until(
  url: string,
  what: string,
  done: (s: DashboardSnapshot) => boolean,
): Promise<DashboardSnapshot> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const snapshot = await snapshotOf(url);
    if (done(snapshot)) return snapshot;
    if (Date.now() > deadline) throw new Error(`never saw ${what}: ${JSON.stringify(snapshot)}`);
    await sleep(200);
  }
}

const stored = (s: DashboardSnapshot) => s.pipelines[0]?.store as PipelineStoreFigures | undefined;
const checkpointed = (s: DashboardSnapshot) =>
  stored(s)?.shards?.reduce((sum, x) => sum + (x.checkpoint?.records ?? 0), 0) ?? 0;

describe('the dashboard of a local run', () => {
  it('shows what the functions did and what the store says, both matching the results', async () => {
    const config = integrationConfig();
    const kinesis = createKinesisClient(config.kinesis);
    await deleteStream(kinesis, pipeline.stream); // a stream left by an earlier run holds its records
    kinesis.destroy();
    runtime = await startRuntime({
      config,
      pipelines: [pipeline],
      log: () => undefined,
      isolateFrom: FIXTURE,
      eventSource: { maxBatchingWindowSeconds: 0 },
    });
    dashboard = await startLiveDashboard({
      config,
      pipelines: runtime.pipelines,
      board: runtime.metrics,
      port: 0,
      storeIntervalMs: 300,
    });
    const sent = collectOutput();
    expect(
      await main(['send', '--stream', pipeline.stream, '--generate', String(SENT)], sent.out),
    ).toBe(0);
    // One record without its event time: a dead letter, shown with its reason.
    const file = join(mkdtempSync(join(tmpdir(), 'cassflow-dashboard-')), 'bad.jsonl');
    writeFileSync(file, '{"page":"/p"}\n');
    const bad = collectOutput();
    expect(await main(['send', '--stream', pipeline.stream, '--file', file], bad.out)).toBe(0);

    const snapshot = await until(
      dashboard.url,
      `${SENT} records counted and checkpointed, and the dead letter stored`,
      (s) =>
        s.pipelines[0]?.metrics.RecordsIn?.lastMinute.sum === SENT + 1 &&
        checkpointed(s) === SENT + 1 &&
        (stored(s)?.deadLetters?.lastHour ?? 0) === 1,
    );
    const shown = snapshot.pipelines[0];
    // The mapping's count, the function's metrics and the store's checkpoints agree.
    expect(shown?.figures).toMatchObject({ records: SENT + 1, deadLettered: 1 });
    expect(shown?.metrics.BatchSize?.lastMinute.sum).toBe(SENT + 1);
    expect(shown?.metrics.Invocations?.lastMinute.sum).toBe(shown?.figures?.invocations);
    expect(shown?.rates.deadLettersPerMinute).toBe(1);
    // Every shard: read here (live) and checkpointed in the store, with a watermark.
    expect(shown?.shards).toHaveLength(2);
    for (const shard of shown?.shards ?? []) {
      expect(shard.checkpoint?.records).toBe(shard.live?.records);
      expect(shard.watermark?.state).toMatch(/active|probing|idle/);
    }
    expect(stored(snapshot)?.watermark).toBeGreaterThan(Date.now() - 600_000);
    expect(stored(snapshot)?.deadLetters.recent[0]).toMatchObject({ field: 'ts' });

    // The window browser shows what cassflow query reads.
    const { session } = storeSession(config);
    try {
      const page = (await (
        await fetch(new URL(`api/windows?pipeline=${pipeline.name}`, dashboard.url))
      ).json()) as WindowPage;
      const results = await readWindows(session, pipeline);
      expect(page.windows.length).toBeGreaterThan(0);
      for (const w of page.windows) {
        const same = results.find((r) => r.key === w.key && r.start === w.start);
        expect(same && Number(same.events)).toBe(Number(w.events));
      }
      // The newest two per key: every key there, and the counts over the keys add up.
      expect(new Set(page.windows.map((w) => w.key))).toEqual(new Set(results.map((r) => r.key)));
      expect(page.windows.reduce((n, w) => n + Number(w.events), 0)).toBe(SENT);
    } finally {
      await session.shutdown();
    }

    const top = collectOutput();
    expect(await main(['top', '--once', '--url', dashboard.url], top.out)).toBe(0);
    expect(top.info.find((l) => l.startsWith('it_dashboard'))).toMatch(
      new RegExp(`^it_dashboard(\\s+\\S+){2}\\s+${SENT + 1}\\s`),
    );
    expect(top.info.some((l) => l.includes('dead letter') && l.includes('ts'))).toBe(true);
  });

  it('cassflow ui shows the same stack from its own process, from the store alone', async () => {
    const config = integrationConfig();
    const ui = cliProcess(['ui', FIXTURE, '--port', '0', '--json'], {
      ...process.env,
      CASSANDRA_KEYSPACE: config.cassandra.keyspace,
    });
    try {
      const url = await ui.result<string>('dashboard', 60_000);
      const snapshot = await until(url, 'the store read', (s) => checkpointed(s) === SENT + 1);
      expect(snapshot.source).toBe('stack');
      expect(snapshot.pipelines[0]?.figures).toBeNull();
      expect(stored(snapshot)?.deadLetters.lastHour).toBe(1);
    } finally {
      expect(await ui.interrupt()).toBe(0);
    }
  });

  it('says what to do when no dashboard runs', async () => {
    const { out, error } = collectOutput();
    expect(await main(['top', '--once', '--url', 'http://127.0.0.1:9/'], out)).toBe(3);
    expect(error.join('\n')).toContain("What to do: start one with 'cassflow run --ui'");
  });
});
