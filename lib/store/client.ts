import { readFileSync } from 'node:fs';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import cassandra from 'cassandra-driver';
import type {
  CassandraConfig,
  KeyspacesConfig,
  SelfManagedCassandraConfig,
} from '../config/config.ts';
import { ConfigError } from '../config/errors.ts';
import { CapacityMeter } from './keyspaces-mode/capacity.ts';
import { KeyspacesModeClient } from './keyspaces-mode/keyspaces-mode-client.ts';
import { KeyspacesRetryPolicy } from './keyspaces-retry-policy.ts';
import { keyspacesTrustedRoots } from './keyspaces-trust.ts';
import { SigV4AuthProvider } from './sigv4/auth-provider.ts';

const { consistencies } = cassandra.types;

/** bigint and varint columns come back as JS bigint (sequence numbers exceed 2^53). */
const ENCODING = { useBigIntAsLong: true, useBigIntAsVarint: true } as const;

/**
 * Query defaults shared by both profiles: prepared statements, LOCAL_QUORUM (the only write
 * level Keyspaces accepts) and LOCAL_SERIAL for the Paxos phase of conditional writes.
 */
const QUERY_OPTIONS = {
  prepare: true,
  consistency: consistencies.localQuorum,
  serialConsistency: consistencies.localSerial,
} as const;

export type ClientOverrides = {
  /** AWS credentials for Keyspaces SigV4; defaults to the SDK v3 Node provider chain. */
  credentials?: AwsCredentialIdentityProvider;
};

/** Driver options for the configured profile: self-managed Cassandra or Amazon Keyspaces. */
export function cassandraClientOptions(
  config: CassandraConfig,
  overrides: ClientOverrides = {},
): cassandra.ClientOptions {
  return config.kind === 'keyspaces'
    ? keyspacesOptions(config, overrides)
    : selfManagedOptions(config);
}

/** What every profile shares: where to connect, consistency, bigint encoding, timeouts. */
function commonOptions(config: CassandraConfig): cassandra.ClientOptions {
  return {
    contactPoints: config.contactPoints,
    localDataCenter: config.localDataCenter,
    protocolOptions: { port: config.port },
    queryOptions: QUERY_OPTIONS,
    encoding: ENCODING,
    socketOptions: { connectTimeout: 5000, readTimeout: 12_000 },
  };
}

function selfManagedOptions(config: SelfManagedCassandraConfig): cassandra.ClientOptions {
  return {
    ...commonOptions(config),
    ...(config.auth ? { credentials: config.auth } : {}),
    ...(config.tls
      ? {
          sslOptions: {
            rejectUnauthorized: config.tls.rejectUnauthorized,
            ...(config.tls.caFile ? { ca: [readCaFile(config.tls.caFile)] } : {}),
          },
        }
      : {}),
  };
}

function keyspacesOptions(
  config: KeyspacesConfig,
  overrides: ClientOverrides,
): cassandra.ClientOptions {
  const host = config.contactPoints[0] ?? `cassandra.${config.region}.amazonaws.com`;
  return {
    ...commonOptions(config),
    sslOptions: {
      ca: [...keyspacesTrustedRoots(), ...(config.caFile ? [readCaFile(config.caFile)] : [])],
      host,
      servername: host,
      rejectUnauthorized: true,
    },
    authProvider: new SigV4AuthProvider({
      region: config.region,
      credentials: overrides.credentials ?? fromNodeProviderChain(),
    }),
    policies: {
      retry: new KeyspacesRetryPolicy(),
      // Round robin, not token-aware: Keyspaces' peers are endpoints, not replicas, and the
      // driver would route by Murmur3 tokens where the account's partitioner is another.
      loadBalancing: new cassandra.policies.loadBalancing.DCAwareRoundRobinPolicy(
        config.localDataCenter,
      ),
    },
  };
}

/**
 * Pages the Keyspaces-faithful mode cuts short, and later pages it returns empty (with a paging
 * state), as Keyspaces may at 1 MB or on filtered reads: often enough that every paged read in
 * a test run meets both.
 */
const PAGE_CUTS = { short: 0.2, empty: 0.1 };

/**
 * A new driver client for the configured profile (not yet connected). A self-managed node of
 * the Keyspaces flavor gets a client that behaves as Amazon Keyspaces (keyspaces-mode/).
 */
export function createCassandraClient(
  config: CassandraConfig,
  overrides: ClientOverrides = {},
): cassandra.Client {
  const options = cassandraClientOptions(config, overrides);
  if (config.kind === 'cassandra' && config.flavor === 'keyspaces') {
    return new KeyspacesModeClient(
      {
        ...options,
        policies: {
          retry: new KeyspacesRetryPolicy(),
          loadBalancing: new cassandra.policies.loadBalancing.DCAwareRoundRobinPolicy(
            config.localDataCenter,
          ),
        },
      },
      { meter: new CapacityMeter(), pageCuts: PAGE_CUTS },
    );
  }
  return new cassandra.Client(options);
}

/** The PEM roots CASSANDRA_TLS_CA_FILE names, or an error that says which file and what to do. */
function readCaFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ConfigError(
      'CASSANDRA_TLS_CA_FILE',
      `cannot read ${path} (${code}): point it at a readable PEM file of the roots to trust`,
    );
  }
}
