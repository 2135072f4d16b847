import { fileURLToPath } from 'node:url';
import { Argument, Command } from 'commander';
import { resolveConfig } from '#lib/config/config';
import { CheckpointRates } from '#lib/dashboard/checkpoint-rates';
import { MetricsBoard } from '#lib/emulator/metrics/metrics-board';
import { loadPipelineFile } from '#lib/pipeline-file/load-pipeline-file';
import { createSession, pipelineCassandra } from '#lib/store/session';
import { wholeNumber } from '../option-values.ts';
import type { CommandOutput } from '../output.ts';
import { DEFAULT_DASHBOARD_PORT, serveDashboard } from '../serve-dashboard.ts';
import { untilSignal } from '../until-signal.ts';

const EXAMPLE = fileURLToPath(new URL('../../examples/page-views.ts', import.meta.url));

type UiOptions = { port: number };

/** `cassflow ui [file]`: the dashboard of pipelines another process runs, from the store. */
export function uiCommand(out: CommandOutput): Command {
  return new Command('ui')
    .summary('a dashboard of a running stack, read from its store (no functions run here)')
    .description(
      "Serve the dashboard for the pipelines of [file] on 127.0.0.1, reading what the stack's " +
        'store says of them every 2 s: shard checkpoints and watermarks, the closer, windows ' +
        'due but not final, dead letters, sync passes and rejects, and a window browser; ' +
        "records per second come from how far the checkpoints move. The functions' own " +
        'metrics (batches, retries, compare-and-set retries) live in the process that runs them: ' +
        "for those, run the pipelines with 'cassflow run --ui'. Runs until Ctrl-C.",
    )
    .addArgument(
      new Argument('[file]', 'module defining the pipelines').default(
        EXAMPLE,
        'examples/page-views.ts',
      ),
    )
    .option(
      '--port <port>',
      '127.0.0.1 port (0: any free one)',
      wholeNumber(0, 65_535),
      DEFAULT_DASHBOARD_PORT,
    )
    .action(async (file: string, options: UiOptions) => {
      const { pipelines } = await loadPipelineFile(file);
      const config = resolveConfig(process.env);
      // A stack that is not up is a clear error now, not a page of errors later.
      const session = createSession(pipelineCassandra(config.cassandra));
      try {
        await session.execute('SELECT release_version FROM system.local', [], { idempotent: true });
      } finally {
        await session.shutdown();
      }
      const board = new MetricsBoard();
      const rates = new CheckpointRates(board);
      const dashboard = await serveDashboard(
        {
          config,
          pipelines,
          board,
          port: options.port,
          onStoreRead: (watcher) => {
            if (watcher.latest) rates.observe(watcher.latest);
          },
        },
        out,
      );
      out.info(`Reading ${pipelines.map((p) => p.name).join(', ')} from the store; Ctrl-C stops`);
      await untilSignal();
      await dashboard.close();
    });
}
