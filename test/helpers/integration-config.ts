import { inject } from 'vitest';
import { type CassflowConfig, resolveConfig } from '#lib/config/config';

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
