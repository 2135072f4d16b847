import cassandra from 'cassandra-driver';
import type { SinkPipeline } from '../pipeline/sink-spec.ts';
import type { TableSpec } from './schema/table-spec.ts';
import type { CassandraSession } from './session.ts';

/** The sink's table as cassflow creates it when missing (`cassflow schema apply --pipeline`). */
export function sinkTableSpec(pipeline: SinkPipeline): TableSpec {
  const column = (name: string) => {
    const c = pipeline.columns.find((x) => x.name === name);
    return { name, type: c?.type ?? 'text' };
  };
  const keys = new Set([...pipeline.partitionKey, ...pipeline.clusteringKey]);
  return {
    name: pipeline.table,
    partitionKey: pipeline.partitionKey.map(column),
    clusteringKey: pipeline.clusteringKey.map((c) => ({ ...column(c), order: 'ASC' as const })),
    columns: pipeline.columns.filter((c) => !keys.has(c.name)).map((c) => column(c.name)),
    comment: `cassflow sink ${pipeline.name} from stream ${pipeline.stream}`,
    ...(pipeline.retentionSeconds ? { ttlSeconds: pipeline.retentionSeconds } : {}),
  };
}

/** Idempotent upserts into the sink's table; absent optional values are bound as unset. */
export class CqlSinkTable {
  readonly #session: CassandraSession;
  readonly #insert: string;

  constructor(session: CassandraSession, pipeline: SinkPipeline) {
    this.#session = session;
    const names = pipeline.columns.map((c) => c.name);
    this.#insert = `INSERT INTO ${session.table(pipeline.table)} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`;
  }

  async insert(values: readonly unknown[]): Promise<void> {
    const bound = values.map((v) => (v === undefined ? cassandra.types.unset : v));
    await this.#session.execute(this.#insert, bound, { idempotent: true });
  }
}
