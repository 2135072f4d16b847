import type { AnyPipeline } from '../pipeline/any-pipeline.ts';
import { PipelineSpecError } from '../pipeline/errors.ts';
import { tablesOf } from '../store/pipeline-tables.ts';
import { CORE_TABLES } from '../store/schema/core-tables.ts';
import type { TableSpec } from '../store/schema/table-spec.ts';
import { SYNC_TABLES } from '../sync/sync-tables.ts';

/** One keyspace of a deployment: its tables, and the pipelines that write there. */
export type KeyspaceSchema = { keyspace: string; tables: TableSpec[]; pipelines: string[] };

/**
 * Every keyspace and table a set of pipelines needs: cassflow's core tables in each keyspace a
 * pipeline uses, each pipeline's own tables, and the sync checkpoint tables where a pipeline has
 * sync jobs. What the CDK stack creates and what `schema apply` would. Two pipelines may share a
 * table only if they describe it the same way.
 */
export function deploymentSchema(
  pipelines: Iterable<AnyPipeline>,
  defaultKeyspace: string,
): KeyspaceSchema[] {
  const byKeyspace = new Map<string, { tables: Map<string, TableSpec>; pipelines: string[] }>();
  for (const pipeline of pipelines) {
    const keyspace = pipeline.keyspace ?? defaultKeyspace;
    let entry = byKeyspace.get(keyspace);
    if (!entry) {
      entry = { tables: new Map(CORE_TABLES.map((t) => [t.name, t])), pipelines: [] };
      byKeyspace.set(keyspace, entry);
    }
    entry.pipelines.push(pipeline.name);
    const own = [...tablesOf(pipeline), ...(pipeline.sync.length > 0 ? SYNC_TABLES : [])];
    for (const table of own) {
      const seen = entry.tables.get(table.name);
      if (seen && JSON.stringify(seen) !== JSON.stringify(table)) {
        throw new PipelineSpecError(pipeline.name, [
          `table ${keyspace}.${table.name} is also another pipeline's, with other columns`,
        ]);
      }
      entry.tables.set(table.name, table);
    }
  }
  return [...byKeyspace].map(([keyspace, entry]) => ({
    keyspace,
    tables: [...entry.tables.values()],
    pipelines: entry.pipelines,
  }));
}
