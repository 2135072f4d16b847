import cassandra from 'cassandra-driver';
import { type CassflowConfig, resolveConfig } from '#lib/config/config';
import { createCassandraClient } from '#lib/store/client';
import { applySchema } from '#lib/store/schema/apply';
import { schemaConnection } from '#lib/store/schema/connection';
import type { TableSpec } from '#lib/store/schema/table-spec';
import { CassandraSession, sessionOptions } from '#lib/store/session';

/** The bench's own keyspace (CASSFLOW_BENCH_KEYSPACE overrides it), apart from app and tests. */
export const BENCH_KEYSPACE = 'cassflow_bench';

export class BenchSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BenchSetupError';
  }
}

export type BenchStore = {
  config: CassflowConfig;
  client: cassandra.Client;
  session: CassandraSession;
  /** Creates tables (and the keyspace) and waits for schema agreement. */
  createTables(tables: readonly TableSpec[]): Promise<void>;
  dropTables(tables: readonly TableSpec[]): Promise<void>;
  /** Drops the keyspace's tables whose names match (those of an interrupted run); how many. */
  dropTablesNamed(pattern: RegExp): Promise<number>;
  close(): Promise<void>;
};

/** `127.0.0.1:9042: ECONNREFUSED` rather than the driver's multi-line error with stacks. */
function connectProblem(error: unknown): string {
  if (error instanceof cassandra.errors.NoHostAvailableError) {
    const hosts = Object.entries(error.innerErrors as Record<string, Error & { code?: string }>);
    if (hosts.length > 0)
      return hosts.map(([host, e]) => `${host}: ${e.code ?? e.message}`).join(', ');
  }
  return (error as Error).message;
}

/** Connects to the configured (local) Cassandra, pointed at the bench keyspace. */
export async function openBenchStore(env = process.env): Promise<BenchStore> {
  const resolved = resolveConfig(env);
  const keyspace = env.CASSFLOW_BENCH_KEYSPACE ?? BENCH_KEYSPACE;
  const config = { ...resolved, cassandra: { ...resolved.cassandra, keyspace } };
  const client = createCassandraClient(config.cassandra);
  try {
    await client.connect();
  } catch (error) {
    await client.shutdown().catch(() => {});
    throw new BenchSetupError(
      `Cassandra is not reachable (${connectProblem(error)}).\n` +
        'Start the local stack first: node bin/cassflow.js local up',
    );
  }
  const schema = schemaConnection(client);
  return {
    config,
    client,
    session: new CassandraSession(client, keyspace, sessionOptions(config.cassandra)),
    async createTables(tables) {
      await applySchema(schema, config.cassandra, tables);
    },
    async dropTables(tables) {
      for (const { name } of tables) await schema.run(`DROP TABLE IF EXISTS ${keyspace}.${name}`);
    },
    async dropTablesNamed(pattern) {
      const rows = await schema.run(
        'SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?',
        [keyspace],
      );
      const names = rows.map((row) => String(row.table_name)).filter((n) => pattern.test(n));
      for (const name of names) await schema.run(`DROP TABLE IF EXISTS ${keyspace}.${name}`);
      return names.length;
    },
    close: () => client.shutdown(),
  };
}

/** Sum of a bigint column over a whole (small) table: checks that every event was counted once. */
export async function sumColumn(store: BenchStore, table: string, column: string): Promise<bigint> {
  const result = await store.client.execute(
    `SELECT sum(${column}) AS total FROM ${store.session.table(table)}`,
    [],
    { prepare: false, readTimeout: 60_000 },
  );
  return BigInt((result.first()?.get('total') as bigint | null) ?? 0n);
}
