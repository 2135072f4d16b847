import { resolveConfig } from '#lib/config/config';
import { loadPipeline } from '#lib/pipelines/load-pipeline';
import { createCassandraClient } from '#lib/store/client';
import { tablesOf } from '#lib/store/pipeline-tables';
import { applySchema } from '#lib/store/schema/apply';
import { schemaConnection } from '#lib/store/schema/connection';
import { CORE_TABLES } from '#lib/store/schema/core-tables';
import { pipelineCassandra } from '#lib/store/session';
import { parseFlags } from '../args.ts';
import { type Output, UsageError } from '../output.ts';

export async function schemaCommand(args: string[], out: Output): Promise<number> {
  const { positionals, values } = parseFlags(args, { pipeline: { type: 'string' } });
  if (positionals[0] !== 'apply') {
    throw new UsageError(`'cassflow schema' takes apply (got '${positionals[0] ?? ''}')`);
  }
  const pipeline = values.pipeline ? await loadPipeline(values.pipeline) : undefined;
  const cassandra = pipelineCassandra(resolveConfig(process.env).cassandra, pipeline);
  const tables = [...CORE_TABLES, ...(pipeline ? tablesOf(pipeline) : [])];
  const client = createCassandraClient(cassandra);
  try {
    const started = Date.now();
    const result = await applySchema(schemaConnection(client), cassandra, tables, {
      report: out.info,
    });
    out.info(
      `Keyspace ${cassandra.keyspace} on ${cassandra.kind}: ` +
        `created [${result.created.join(', ')}], already there [${result.existing.join(', ')}] ` +
        `in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    return 0;
  } finally {
    await client.shutdown();
  }
}
