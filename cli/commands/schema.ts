import { Command } from 'commander';
import { resolveConfig } from '#lib/config/config';
import { loadPipeline } from '#lib/pipeline-file/load-pipeline';
import { createCassandraClient } from '#lib/store/client';
import { tablesOf } from '#lib/store/pipeline-tables';
import { applySchema } from '#lib/store/schema/apply';
import { schemaConnection } from '#lib/store/schema/connection';
import { CORE_TABLES } from '#lib/store/schema/core-tables';
import { pipelineCassandra } from '#lib/store/session';
import { EXAMPLE_PIPELINES } from '../../examples/index.ts';
import type { CommandOutput } from '../output.ts';

/** `cassflow schema apply [--pipeline P]`: the keyspace and tables, created if missing. */
export function schemaCommand(out: CommandOutput): Command {
  const schema = new Command('schema')
    .summary("cassflow's tables: schema apply [--pipeline P]")
    .description("Create cassflow's keyspace and tables");
  schema
    .command('apply')
    .description(
      "Create the keyspace and cassflow's tables if missing, and wait until they are usable " +
        '(schema agreement; ACTIVE status on Amazon Keyspaces)',
    )
    .option(
      '--pipeline <name>',
      'also create the tables of this pipeline: the name of an example (page_views, page_view_log) or a ' +
        'module path such as ./my-pipeline.ts',
    )
    .action(async (options: { pipeline?: string }) => {
      const pipeline = options.pipeline
        ? await loadPipeline(options.pipeline, EXAMPLE_PIPELINES)
        : undefined;
      const cassandra = pipelineCassandra(resolveConfig(process.env).cassandra, pipeline);
      const tables = [...CORE_TABLES, ...(pipeline ? tablesOf(pipeline) : [])];
      const client = createCassandraClient(cassandra);
      try {
        const started = Date.now();
        const result = await applySchema(schemaConnection(client), cassandra, tables, {
          report: out.info,
        });
        out.result({ keyspace: cassandra.keyspace, store: cassandra.kind, ...result });
        out.info(
          `Keyspace ${cassandra.keyspace} on ${cassandra.kind}: ` +
            `created [${result.created.join(', ')}], already there [${result.existing.join(', ')}] ` +
            `in ${((Date.now() - started) / 1000).toFixed(1)} s`,
        );
      } finally {
        await client.shutdown();
      }
    });
  return schema;
}
