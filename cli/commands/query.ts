import { Command } from 'commander';
import { resolveConfig } from '#lib/config/config';
import { loadAggregation } from '#lib/pipeline-file/load-pipeline';
import { readWindows } from '#lib/query/read-windows';
import type { WindowFilter } from '#lib/query/window-result';
import { createSession, pipelineCassandra } from '#lib/store/session';
import { EXAMPLE_PIPELINES } from '../../examples/index.ts';
import { windowJson, windowLines } from '../format-windows.ts';
import { type CommandOutput, UsageError } from '../output.ts';
import { parseTimeArg } from '../time-arg.ts';

type QueryOptions = {
  pipeline: string;
  key?: string;
  window?: string;
  from?: number;
  to?: number;
  json?: boolean;
  all?: boolean;
};

/** `cassflow query --pipeline P ...`: a pipeline's windows, one per line. */
export function queryCommand(out: CommandOutput): Command {
  return new Command('query')
    .summary("print a pipeline's windows")
    .description(
      "Print a pipeline's windows, one per line: key, window, start, end, final, events and " +
        'each aggregate. Open windows are shown too (sliding ones assembled from their panes, ' +
        'sessions from the open state).',
    )
    .requiredOption(
      '--pipeline <name>',
      'the name of an example pipeline (page_views, page_view_log) or a module path such as ./my-pipeline.ts',
    )
    .option('--key <key>', 'only the windows of this key')
    .option('--window <name>', 'only this window, e.g. tumbling_1m')
    .option('--from <time>', 'only windows starting at or after this time', (v) => parseTimeArg(v))
    .option('--to <time>', 'only windows starting before this time', (v) => parseTimeArg(v))
    .option('--json', 'print JSON lines instead of a table')
    .option('--all', 'without --key: read the whole window table (held in memory to assemble)')
    .addHelpText(
      'after',
      `
A window matches when from <= start < to. A time is 2026-01-01, 2026-01-01T10:00Z, epoch ms,
now or -2h. With --key, --from and --to only the partitions holding those windows are read;
otherwise the window table is scanned, and without --key that takes --all.`,
    )
    .action(async (options: QueryOptions) => {
      if (options.key === undefined && !options.all) {
        throw new UsageError(
          'without --key the whole window table is read and held in memory: add --all to do ' +
            'that, or give --key (with --from and --to only the partitions of those windows are read)',
        );
      }
      const pipeline = await loadAggregation(options.pipeline, EXAMPLE_PIPELINES);
      const filter: WindowFilter = {
        ...(options.key !== undefined ? { key: options.key } : {}),
        ...(options.window !== undefined ? { window: options.window } : {}),
        ...(options.from !== undefined ? { from: options.from } : {}),
        ...(options.to !== undefined ? { to: options.to } : {}),
      };
      const config = resolveConfig(process.env);
      const session = createSession(pipelineCassandra(config.cassandra, pipeline));
      try {
        const results = await readWindows(session, pipeline, filter, {
          onProgress: (rows) => out.error(`… ${rows.toLocaleString('en-US')} rows read`),
        });
        if (out.json) for (const r of results) out.result(windowJson(r));
        else {
          const names = pipeline.aggregates.map((a) => a.name);
          for (const line of windowLines(results, names)) out.info(line);
          out.error(`${results.length} window(s) of pipeline ${pipeline.name}`);
        }
      } finally {
        await session.shutdown();
      }
    });
}
