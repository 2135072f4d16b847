import { resolveConfig } from '#lib/config/config';
import { loadAggregation } from '#lib/pipelines/load-pipeline';
import { readWindows } from '#lib/query/read-windows';
import type { WindowFilter } from '#lib/query/window-result';
import { createSession, pipelineCassandra } from '#lib/store/session';
import { parseFlags } from '../args.ts';
import { windowJson, windowLines } from '../format-windows.ts';
import { type Output, UsageError } from '../output.ts';
import { parseTimeArg } from '../time-arg.ts';

export async function queryCommand(args: string[], out: Output): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    pipeline: { type: 'string' },
    key: { type: 'string' },
    window: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length > 0)
    throw new UsageError(`'cassflow query' takes only flags (got '${positionals[0]}')`);
  if (!values.pipeline)
    throw new UsageError("'cassflow query' needs --pipeline <name or module path>");
  const pipeline = await loadAggregation(values.pipeline);
  const filter: WindowFilter = {
    ...(values.key !== undefined ? { key: values.key } : {}),
    ...(values.window !== undefined ? { window: values.window } : {}),
    ...(values.from !== undefined ? { from: parseTimeArg(values.from, '--from') } : {}),
    ...(values.to !== undefined ? { to: parseTimeArg(values.to, '--to') } : {}),
  };
  const config = resolveConfig(process.env);
  const session = createSession(pipelineCassandra(config.cassandra, pipeline));
  try {
    const results = await readWindows(session, pipeline, filter, {
      onProgress: (rows) => out.error(`… ${rows.toLocaleString('en-US')} rows read`),
    });
    if (values.json) for (const r of results) out.info(windowJson(r));
    else {
      for (const line of windowLines(
        results,
        pipeline.aggregates.map((a) => a.name),
      ))
        out.info(line);
      out.error(`${results.length} window(s) of pipeline ${pipeline.name}`);
    }
    return 0;
  } finally {
    await session.shutdown();
  }
}
