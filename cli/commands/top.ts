import { setTimeout as sleep } from 'node:timers/promises';
import { Command } from 'commander';
import type { DashboardSnapshot } from '#lib/dashboard/snapshot';
import { EXIT } from '../exit-codes.ts';
import { ExitStatus } from '../exit-status.ts';
import { topLines } from '../format-top.ts';
import { wholeNumber } from '../option-values.ts';
import type { CommandOutput } from '../output.ts';
import { DEFAULT_DASHBOARD_PORT } from '../serve-dashboard.ts';

type TopOptions = { url: string; once?: boolean; interval: number };

/** `cassflow top`: a running `cassflow run --ui`'s figures in the terminal. */
export function topCommand(out: CommandOutput): Command {
  return new Command('top')
    .summary('a running dashboard (cassflow run --ui, cassflow ui) in the terminal')
    .description(
      "Show what a running 'cassflow run --ui' or 'cassflow ui' dashboard shows, refreshed every " +
        'second: per pipeline its rates, batches, failures, retries and splits, dead letters, late ' +
        'events, compare-and-set retries, watermark, closer and windows due; per shard its ' +
        'iterator age, rates, checkpoint and watermark; the recent dead letters; per sync job its ' +
        'last run, rows and pages a minute, ranges, rows and pages checkpointed, and rejects.',
    )
    .option('--url <url>', 'the dashboard', `http://127.0.0.1:${DEFAULT_DASHBOARD_PORT}/`)
    .option('--once', 'print once and exit')
    .option('--interval <seconds>', 'seconds between refreshes', wholeNumber(1, 3600), 1)
    .action(async (options: TopOptions) => {
      for (;;) {
        const snapshot = await fetchSnapshot(options.url, out);
        out.result(snapshot);
        if (!out.json) {
          // On a terminal, each refresh replaces the last.
          if (!options.once && process.stdout.isTTY) process.stdout.write('\x1b[H\x1b[2J');
          for (const line of topLines(snapshot)) out.info(line);
        }
        if (options.once) return;
        await sleep(options.interval * 1000);
      }
    });
}

async function fetchSnapshot(url: string, out: CommandOutput): Promise<DashboardSnapshot> {
  const api = new URL('api/snapshot', url);
  try {
    const response = await fetch(api, { signal: AbortSignal.timeout(5000) });
    if (!response.ok) throw new Error(`${api} answered ${response.status}`);
    return (await response.json()) as DashboardSnapshot;
  } catch (error) {
    out.error(
      `cannot reach the dashboard at ${url} (${(error as Error).message})\n` +
        "What to do: start one with 'cassflow run --ui' (or 'cassflow ui' for a running stack), or give its address with --url",
    );
    throw new ExitStatus(EXIT.unreachable, `cannot reach the dashboard at ${url}`);
  }
}
