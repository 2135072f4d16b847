import { fileURLToPath } from 'node:url';
import { Argument, Command } from 'commander';
import type { CassflowConfig } from '#lib/config/config';
import { resolveConfig } from '#lib/config/config';
import type { DashboardServer } from '#lib/dashboard/dashboard-server';
import { type DemoWatcher, runDemo } from '#lib/demo/run-demo';
import type { Pipeline } from '#lib/pipeline/spec';
import { loadAggregation } from '#lib/pipeline-file/load-pipeline';
import { localDown, localUp, startedServices } from '#lib/stack/stack';
import { EXAMPLE_PIPELINES } from '../../examples/index.ts';
import { repeatDemo } from '../demo-repeat.ts';
import { ExitStatus } from '../exit-status.ts';
import { latestFinalTable } from '../format-demo.ts';
import { wholeNumber } from '../option-values.ts';
import { type CommandOutput, UsageError } from '../output.ts';
import { startProgress } from '../progress.ts';
import { serveDashboard, uiPortOption } from '../serve-dashboard.ts';
import { untilSignal } from '../until-signal.ts';
import { describeStack } from './local.ts';

const EXAMPLE = fileURLToPath(new URL('../../examples/page-views.ts', import.meta.url));

type DemoOptions = {
  events: number;
  pages: number;
  minutes: number;
  keep?: boolean;
  repeat?: number;
  ui?: boolean;
  uiPort: number;
};

/** `cassflow demo`: the main job end to end on the local stack (what `npm start` runs). */
export function demoCommand(out: CommandOutput): Command {
  return new Command('demo')
    .summary('the main job end to end on the local stack (what npm start runs)')
    .description(
      'The main job end to end on this machine: start the local stack if needed, run the ' +
        'pipeline of [file] (default: the example examples/page-views.ts; it must key page ' +
        "views by 'page' with time 'ts') in the local runtime (keyspace cassflow_demo, " +
        'stream cassflow-demo, both reset first), send generated page views whose event times ' +
        'cover the last few minutes, wait until the windows are final, check every final ' +
        'window against the events sent, and print the latest results.',
    )
    .addArgument(
      new Argument('[file]', 'module defining a page-views pipeline').default(
        EXAMPLE,
        'examples/page-views.ts',
      ),
    )
    .option('--events <n>', 'page views to send', wholeNumber(100, 1_000_000), 12_000)
    .option('--pages <n>', 'distinct pages', wholeNumber(1, 1000), 8)
    .option('--minutes <n>', 'minutes of event time the page views cover', wholeNumber(3, 120), 15)
    .option('--keep', 'leave the servers this run started running')
    .option(
      '--repeat <n>',
      'run the demo n times, each cold (a new process, from a stopped stack), and count the passes',
      wholeNumber(1, 1000),
    )
    .option(
      '--ui',
      "serve the run's live dashboard on 127.0.0.1 while it runs, and after it passed until Ctrl-C",
    )
    .addOption(uiPortOption())
    .action(async (file: string, options: DemoOptions) => {
      if (options.repeat !== undefined && options.ui) {
        throw new UsageError('--ui watches one run: give it without --repeat');
      }
      if (options.repeat !== undefined) {
        const args = [
          '--events',
          options.events,
          '--pages',
          options.pages,
          '--minutes',
          options.minutes,
          file,
        ];
        if (!(await repeatDemo(options.repeat, args.map(String), out))) {
          throw new ExitStatus(1, 'a demo run failed');
        }
        return;
      }
      const pipeline = pageViewsPipeline(await loadAggregation(file, EXAMPLE_PIPELINES), file);
      const started = Date.now();
      process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
      const config = resolveConfig(process.env);
      const stack = await localUp(config, process.env, out.info);
      for (const line of describeStack(stack)) out.info(line);
      try {
        const result = await runDemo({
          config,
          pipeline,
          events: options.events,
          pages: options.pages,
          backfillMs: options.minutes * 60_000,
          log: out.info,
          progress: (counts, total) => startProgress(process.stderr, counts, total),
          ...(options.ui ? { watcher: dashboardWatcher(config, options.uiPort, out) } : {}),
        });
        out.info('');
        for (const window of result.pipeline.windows.map((w) => w.name)) {
          const columns = result.pipeline.aggregates.map((a) => a.name);
          for (const line of latestFinalTable(result.windows, window, columns)) out.info(line);
          out.info('');
        }
        const final = result.windows.filter((w) => w.final).length;
        out.result({
          passed: true,
          pipeline: result.pipeline.name,
          sent: result.sent.sent,
          windowsFinal: final,
          windowsChecked: result.checked,
          sendMs: result.sendMs,
          finalMs: result.finalMs,
          windows: result.windows.filter((w) => w.final),
        });
        out.info(
          `Demo passed: ${result.sent.sent.toLocaleString('en-US')} events sent in ` +
            `${(result.sendMs / 1000).toFixed(1)} s; ${final} windows final, and all ` +
            `${result.checked} that had to be match the events sent exactly; the last became ` +
            `final ${(result.finalMs / 1000).toFixed(1)} s after the last event was sent; ` +
            `${((Date.now() - started) / 1000).toFixed(1)} s in all.`,
        );
        out.info(
          `Read them again (with the local stack up): CASSANDRA_KEYSPACE=cassflow_demo npx cassflow query --pipeline ${file === EXAMPLE ? 'examples/page-views.ts' : file} --all`,
        );
      } finally {
        const which = options.keep ? {} : startedServices(stack);
        if (Object.keys(which).length > 0) {
          await localDown(config, which);
          out.info('Stopped the servers this run started (use --keep to leave them up)');
        }
      }
    });
}

/**
 * The demo sends generated page views ({page, user, ts, ms}): a pipeline that keys them some
 * other way would dead-letter every one. Say so before anything starts.
 */
function pageViewsPipeline(pipeline: Pipeline, file: string): Pipeline {
  if (pipeline.filter || pipeline.map) {
    throw new UsageError(
      `cassflow demo checks every count against the page views it generates, which it cannot do ` +
        `through pipeline ${pipeline.name}'s filter or map. Run it on your own events instead: ` +
        `cassflow run ${file}, then cassflow send --stream ${pipeline.stream} --file events.jsonl`,
    );
  }
  if (pipeline.keyField === 'page' && pipeline.timeField === 'ts') return pipeline;
  throw new UsageError(
    `cassflow demo sends generated page views ({"page", "user", "ts", "ms"}), but pipeline ` +
      `${pipeline.name} in ${file} keys by '${pipeline.keyField}' with time '${pipeline.timeField}'. ` +
      `Run your own events instead: cassflow run ${file}, then cassflow send --stream ${pipeline.stream} --file events.jsonl`,
  );
}

/** `demo --ui`: the dashboard, up from the runtime's start until Ctrl-C after the demo passed. */
function dashboardWatcher(config: CassflowConfig, port: number, out: CommandOutput): DemoWatcher {
  let dashboard: DashboardServer | undefined;
  return {
    start: async (runtime) => {
      dashboard = await serveDashboard(
        { config, pipelines: runtime.pipelines, board: runtime.metrics, port },
        out,
      );
    },
    passed: async (result) => {
      out.info(
        `Every one of the ${result.checked} windows checked matches the events sent. The ` +
          `dashboard stays up at ${dashboard?.url}; Ctrl-C stops`,
      );
      await untilSignal();
    },
    close: async () => {
      await dashboard?.close();
    },
  };
}
