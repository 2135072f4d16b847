import { cqlNameProblem } from '../pipeline/cql-names.ts';
import { LOCAL_DEFAULTS } from './defaults.ts';
import {
  type Env,
  readBoolean,
  readChoice,
  readPort,
  readPositiveInt,
  readString,
} from './env-values.ts';
import { ConfigError } from './errors.ts';

/** Which kind of Cassandra holds the state. */
export const STORE_KINDS = ['cassandra', 'keyspaces'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

/**
 * What a self-managed Cassandra behaves as: itself, or Amazon Keyspaces (the local stack's
 * Keyspaces-faithful mode: RandomPartitioner tokens, Keyspaces' partitioner name, its statement
 * rules, capacity and page cuts, and the session options cassflow uses on Keyspaces).
 */
export const STORE_FLAVORS = ['cassandra', 'keyspaces'] as const;
export type StoreFlavor = (typeof STORE_FLAVORS)[number];

export type SelfManagedCassandraConfig = {
  kind: 'cassandra';
  flavor: StoreFlavor;
  /** Hosts, each optionally `host:port`; entries without a port use `port`. */
  contactPoints: string[];
  port: number;
  localDataCenter: string;
  keyspace: string;
  replicationFactor: number;
  tls?: { caFile?: string; rejectUnauthorized: boolean };
  auth?: { username: string; password: string };
};

export type KeyspacesConfig = {
  kind: 'keyspaces';
  region: string;
  contactPoints: string[];
  port: number;
  localDataCenter: string;
  keyspace: string;
  /** More roots to trust besides Amazon's (e.g. the legacy Starfield Class 2 root). */
  caFile?: string;
};

export type CassandraConfig = SelfManagedCassandraConfig | KeyspacesConfig;

/**
 * The Cassandra cassflow keeps its state in: a self-managed cluster (the local node by default)
 * or Amazon Keyspaces, the default `kind` unless CASSFLOW_STORE says otherwise.
 */
export function resolveCassandra(
  env: Env,
  defaultKind: StoreKind,
  region: string,
): CassandraConfig {
  const kind = readChoice(env, 'CASSFLOW_STORE', STORE_KINDS, defaultKind);
  const keyspace = readKeyspaceName(env);
  const listed = readString(env, 'CASSANDRA_CONTACT_POINTS')
    ?.split(',')
    .map((p) => p.trim())
    .filter(Boolean);

  const caFile = readString(env, 'CASSANDRA_TLS_CA_FILE');
  if (kind === 'keyspaces') {
    return {
      kind,
      region,
      contactPoints: listed ?? [`cassandra.${region}.amazonaws.com`],
      port: readPort(env, 'CASSANDRA_PORT', 9142),
      localDataCenter: readString(env, 'CASSANDRA_LOCAL_DC') ?? region,
      keyspace,
      ...(caFile ? { caFile } : {}),
    };
  }

  const username = readString(env, 'CASSANDRA_USERNAME');
  const password = readString(env, 'CASSANDRA_PASSWORD');
  if ((username === undefined) !== (password === undefined)) {
    const missing = username === undefined ? 'CASSANDRA_USERNAME' : 'CASSANDRA_PASSWORD';
    throw new ConfigError(missing, 'must be set together with the other of username/password');
  }
  const tlsOn = readBoolean(env, 'CASSANDRA_TLS', caFile !== undefined);
  const flavor = readChoice(env, 'CASSFLOW_STORE_FLAVOR', STORE_FLAVORS, 'cassandra');
  return {
    kind,
    flavor,
    contactPoints: listed ?? [LOCAL_DEFAULTS.cassandraHost],
    // The Keyspaces-faithful node is a node of its own (other tokens), so both can run.
    port: readPort(env, 'CASSANDRA_PORT', LOCAL_DEFAULTS.nodes[flavor].nativePort),
    localDataCenter: readString(env, 'CASSANDRA_LOCAL_DC') ?? LOCAL_DEFAULTS.dataCenter,
    keyspace,
    replicationFactor: readPositiveInt(env, 'CASSANDRA_REPLICATION_FACTOR', 1),
    ...(tlsOn
      ? {
          tls: {
            ...(caFile ? { caFile } : {}),
            rejectUnauthorized: readBoolean(env, 'CASSANDRA_TLS_VERIFY', true),
          },
        }
      : {}),
    ...(username && password ? { auth: { username, password } } : {}),
  };
}

function readKeyspaceName(env: Env): string {
  const keyspace = readString(env, 'CASSANDRA_KEYSPACE') ?? LOCAL_DEFAULTS.keyspace;
  const problem = cqlNameProblem(keyspace);
  if (problem) throw new ConfigError('CASSANDRA_KEYSPACE', `not a keyspace name: ${problem}`);
  return keyspace;
}
