import { resolveConfig } from '#lib/config/config';
import { createCassandraClient } from '#lib/store/client';
import { applySchema } from '#lib/store/schema/apply';
import { schemaConnection } from '#lib/store/schema/connection';
import { CORE_TABLES } from '#lib/store/schema/core-tables';
import { parseFlags } from '../args.ts';
import { type Output, UsageError } from '../output.ts';

export async function schemaCommand(args: string[], out: Output): Promise<number> {
  const { positionals } = parseFlags(args, {});
  if (positionals[0] !== 'apply') {
    throw new UsageError(`'cassflow schema' takes apply (got '${positionals[0] ?? ''}')`);
  }
  const config = resolveConfig(process.env);
  const client = createCassandraClient(config.cassandra);
  try {
    const started = Date.now();
    const result = await applySchema(schemaConnection(client), config.cassandra, CORE_TABLES, {
      report: out.info,
    });
    out.info(
      `Keyspace ${config.cassandra.keyspace} on ${config.cassandra.kind}: ` +
        `created [${result.created.join(', ')}], already there [${result.existing.join(', ')}] ` +
        `in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    return 0;
  } finally {
    await client.shutdown();
  }
}
