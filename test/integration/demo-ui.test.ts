import { describe, expect, it } from 'vitest';
import type { DashboardSnapshot } from '#lib/dashboard/snapshot';
import { cliProcess } from '../helpers/cli-process.ts';

const EVENTS = 600;

describe('cassflow demo --ui', () => {
  it('prints the dashboard address, shows the demo on it, and keeps it up until Ctrl-C', async () => {
    const demo = cliProcess(
      ['demo', '--ui', '--ui-port', '0', '--json', '--events', String(EVENTS), '--minutes', '3'],
      process.env,
    );
    let url = '';
    try {
      url = await demo.result<string>('dashboard', 120_000);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const deadline = Date.now() + 120_000;
      while (!demo.lines.some((l) => l.includes('Ctrl-C stops'))) {
        if (demo.child.exitCode !== null || Date.now() > deadline) {
          throw new Error(`the demo did not pass:\n${demo.lines.join('\n')}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      // The demo passed and its runtime still runs: the page shows every event it sent.
      const snapshot = (await (
        await fetch(new URL('api/snapshot', url))
      ).json()) as DashboardSnapshot;
      expect(snapshot.source).toBe('run');
      expect(snapshot.pipelines.map((p) => [p.stream, p.figures?.records])).toEqual([
        ['cassflow-demo', EVENTS],
      ]);
    } finally {
      expect(await demo.interrupt()).toBe(0);
    }
    expect(await demo.result<boolean>('passed', 1000)).toBe(true);
    // Ctrl-C closed the page's server with the rest.
    await expect(fetch(url)).rejects.toThrow();
  });
});
