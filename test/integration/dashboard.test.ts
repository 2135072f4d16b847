import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type DashboardServer, startDashboard } from '#lib/dashboard/dashboard-server';
import { type DashboardSnapshot, dashboardSnapshot } from '#lib/dashboard/snapshot';
import { type Runtime, startRuntime } from '#lib/emulator/runtime/runtime';
import { createKinesisClient } from '#lib/kinesis/client';
import { deleteStream } from '#lib/kinesis/streams';
import { main } from '../../cli/main.ts';
import pipeline from '../fixtures/dashboard-pipeline.ts';
import { collectOutput } from '../helpers/collect-output.ts';
import { integrationConfig } from '../helpers/integration-config.ts';

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

describe('the dashboard of a local run', () => {
  it("shows what the functions did, from the metrics they emit in Lambda's worker threads", async () => {
    const config = integrationConfig();
    const kinesis = createKinesisClient(config.kinesis);
    await deleteStream(kinesis, pipeline.stream); // a stream left by an earlier run holds its records
    kinesis.destroy();
    const lines: string[] = [];
    runtime = await startRuntime({
      config,
      pipelines: [pipeline],
      log: (line) => lines.push(line),
      isolateFrom: FIXTURE,
      eventSource: { maxBatchingWindowSeconds: 0 },
    });
    const running = runtime;
    dashboard = await startDashboard(
      () => dashboardSnapshot(running.pipelines, running.metrics, Date.now()),
      { port: 0, intervalMs: 200 },
    );
    const sent = collectOutput();
    expect(
      await main(['send', '--stream', pipeline.stream, '--generate', String(SENT)], sent.out),
    ).toBe(0);

    let snapshot = await snapshotOf(dashboard.url);
    const deadline = Date.now() + 60_000;
    while (snapshot.pipelines[0]?.metrics.RecordsIn?.lastMinute.sum !== SENT) {
      if (Date.now() > deadline)
        throw new Error(
          `never saw ${SENT} records: ${JSON.stringify(snapshot)}\n${lines.join('\n')}`,
        );
      await sleep(200);
      snapshot = await snapshotOf(dashboard.url);
    }
    const shown = snapshot.pipelines[0];
    // The mapping's count and the function's own metric agree, and no record went elsewhere.
    expect(shown?.records).toBe(SENT);
    expect(shown?.deadLettered).toBe(0);
    expect(shown?.metrics.DeadLettered?.lastMinute.sum).toBe(0);
    expect(shown?.metrics.RecordsIn?.unit).toBe('Count');
    expect(shown?.metrics.RecordsIn?.perSecond.reduce((a, b) => a + b, 0)).toBe(SENT);

    const top = collectOutput();
    expect(await main(['top', '--once', '--url', dashboard.url], top.out)).toBe(0);
    expect(top.info.find((l) => l.startsWith('it_dashboard'))).toMatch(
      new RegExp(`^it_dashboard\\s+${SENT}\\s`),
    );
  });

  it('says what to do when no dashboard runs', async () => {
    const { out, error } = collectOutput();
    expect(await main(['top', '--once', '--url', 'http://127.0.0.1:9/'], out)).toBe(3);
    expect(error.join('\n')).toContain("What to do: start one with 'cassflow run --ui'");
  });
});
