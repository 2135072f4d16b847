import { fileURLToPath } from 'node:url';
import { Argument, Command, Option } from 'commander';
import { resolveConfig } from '#lib/config/config';
import { startRuntime } from '#lib/emulator/runtime/runtime';
import { statusLine, statusOf } from '#lib/emulator/runtime/status-line';
import { CASSFLOW_EVENT_SOURCE } from '#lib/lambda/event-source-defaults';
import { loadPipelineFile } from '#lib/pipeline-file/load-pipeline-file';
import { localDown, localUp, startedServices } from '#lib/stack/stack';
import { wholeNumber } from '../option-values.ts';
import type { CommandOutput } from '../output.ts';
import { serveDashboard, uiPortOption } from '../serve-dashboard.ts';
import { describeStack } from './local.ts';

const EXAMPLE = fileURLToPath(new URL('../../examples/page-views.ts', import.meta.url));

type RunOptions = {
  shards: number;
  batchSize: number;
  batchingWindow: number;
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
  status: number;
  logLevel: string;
  inProcess: boolean;
  ui?: boolean;
  uiPort: number;
};

/** `cassflow run [file]`: the pipelines of a file, fed from their streams until stopped. */
export function runCommand(out: CommandOutput): Command {
  return new Command('run')
    .summary("run a file's pipelines locally, fed by the emulated Kinesis event source")
    .description(
      'Run the pipelines a file defines on this machine, as Lambda would: start the local stack ' +
        'if needed, create each stream and table, and feed each stream to its pipeline through ' +
        "the emulated Kinesis event source (Lambda's batching, retries, bisect and checkpoints). " +
        'Scheduled functions the file defines (defineScheduledFunction) run on their rate() or ' +
        'cron() schedules. Runs until Ctrl-C; a restart resumes from the stored checkpoints.',
    )
    .addArgument(
      new Argument('[file]', 'module defining the pipelines').default(
        EXAMPLE,
        'examples/page-views.ts',
      ),
    )
    .option('--shards <n>', 'shards of a stream that has to be created', wholeNumber(1, 64), 2)
    .option(
      '--batch-size <n>',
      'records per invocation at most',
      wholeNumber(1, 10_000),
      CASSFLOW_EVENT_SOURCE.batchSize,
    )
    .option(
      '--batching-window <seconds>',
      'time to gather a batch',
      wholeNumber(0, 300),
      CASSFLOW_EVENT_SOURCE.maxBatchingWindowSeconds,
    )
    .addOption(
      new Option('--starting-position <position>', 'where a shard without a checkpoint starts')
        .choices(['TRIM_HORIZON', 'LATEST'])
        .default('TRIM_HORIZON'),
    )
    .option(
      '--status <seconds>',
      'every this many seconds, log what each pipeline did, if anything changed (0: never)',
      wholeNumber(0, 3600),
      10,
    )
    .option(
      '--in-process',
      'run the handlers in this process, not in worker threads as Lambda runs them (a timed-out ' +
        'invocation is then only cut off from Cassandra, not stopped)',
      false,
    )
    .addOption(
      new Option('--log-level <level>', "the handlers' Powertools log level")
        .choices(['DEBUG', 'INFO', 'WARN', 'ERROR'])
        .default('WARN'),
    )
    .option('--ui', "serve the run's live dashboard on 127.0.0.1 (see also cassflow top)")
    .addOption(uiPortOption())
    .action(async (file: string, options: RunOptions) => {
      const { pipelines, scheduled } = await loadPipelineFile(file);
      process.env.POWERTOOLS_METRICS_DISABLED ??= 'true'; // EMF lines are for CloudWatch
      const config = resolveConfig(process.env);
      const stack = await localUp(config, process.env, out.info);
      for (const line of describeStack(stack)) out.info(line);
      const runtime = await startRuntime({
        config,
        pipelines,
        scheduled,
        log: out.info,
        shards: options.shards,
        logLevel: options.logLevel,
        ...(options.inProcess ? {} : { isolateFrom: file }),
        eventSource: {
          batchSize: options.batchSize,
          maxBatchingWindowSeconds: options.batchingWindow,
          startingPosition: options.startingPosition,
        },
      });
      const dashboard = options.ui
        ? await serveDashboard(
            { config, pipelines: runtime.pipelines, board: runtime.metrics, port: options.uiPort },
            out,
          ).catch(async (error: unknown) => {
            await runtime.stop();
            throw error;
          })
        : undefined;
      const names = [...pipelines, ...scheduled].map((p) => p.name);
      out.info(`Running ${names.join(', ')}; Ctrl-C stops`);
      for (const job of scheduled) out.info(`${job.name}: runs on ${job.schedule} (UTC)`);
      // Only what changed since the last report: an idle runtime stays quiet.
      const reported = new Map<string, string>();
      const status =
        options.status > 0
          ? setInterval(() => {
              for (const p of runtime.pipelines) {
                const line = statusLine(p);
                if (reported.get(p.pipeline.name) === line) continue;
                out.info(line);
                out.result(statusOf(p));
                reported.set(p.pipeline.name, line);
              }
            }, options.status * 1000)
          : undefined;
      let onSignal!: () => void;
      const signalled = new Promise<void>((resolve) => {
        onSignal = () => resolve();
      });
      process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
      try {
        await Promise.race([signalled, runtime.done]);
        out.info('Stopping: letting in-flight batches finish and saving checkpoints');
      } finally {
        process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
        clearInterval(status);
        await dashboard?.close();
        await runtime.stop();
        for (const p of runtime.pipelines) {
          out.info(statusLine(p));
          out.result({ ...statusOf(p), stopped: true });
        }
        const which = startedServices(stack);
        if (Object.keys(which).length > 0) await localDown(config, which);
      }
      await runtime.done;
    });
}
