import type cassandra from 'cassandra-driver';
import { inject } from 'vitest';
import { type CassflowConfig, resolveConfig } from '#lib/config/config';
import { createCassandraClient } from '#lib/store/client';
import { CassandraSession, sessionOptions } from '#lib/store/session';

/** The run's configuration, pointed at the run's own keyspace. */
export function integrationConfig(): CassflowConfig {
  const config = resolveConfig(process.env);
  return { ...config, cassandra: { ...config.cassandra, keyspace: inject('keyspace') } };
}

/** True in the run of the integration tests on the node that behaves as Amazon Keyspaces. */
export function inKeyspacesMode(): boolean {
  const { cassandra } = resolveConfig(process.env);
  return cassandra.kind === 'cassandra' && cassandra.flavor === 'keyspaces';
}

/** A client and a session on the run's keyspace, with the options of the run's store flavor. */
export function storeSession(config: CassflowConfig = integrationConfig()) {
  const client = createCassandraClient(config.cassandra);
  const session = new CassandraSession(
    client,
    config.cassandra.keyspace,
    sessionOptions(config.cassandra),
  );
  return { config, client, session };
}

/**
 * Every row a query returns, page after page: one page is not the answer on a store that behaves
 * as Keyspaces, which cuts pages short.
 */
export async function allRows(
  session: CassandraSession,
  cql: string,
  params: unknown[] = [],
): Promise<cassandra.types.Row[]> {
  const rows: cassandra.types.Row[] = [];
  for await (const row of session.rows(cql, params, { idempotent: true })) rows.push(row);
  return rows;
}
