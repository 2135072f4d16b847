import { fileURLToPath } from 'node:url';
import {
  type Env,
  readBoolean,
  readChoice,
  readPort,
  readPositiveInt,
  readSeconds,
  readString,
  readUrl,
} from './env-values.ts';
import { ConfigError } from './errors.ts';

/** Where cassflow runs: against the local stack on this machine, or against AWS. */
export const MODES = ['local', 'aws'] as const;
export type Mode = (typeof MODES)[number];

/** Which kind of Cassandra holds the state. */
export const STORE_KINDS = ['cassandra', 'keyspaces'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export type SelfManagedCassandraConfig = {
  kind: 'cassandra';
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
};

export type CassandraConfig = SelfManagedCassandraConfig | KeyspacesConfig;

export type KinesisConfig = {
  region: string;
  /** Endpoint override (kinesis-mock, LocalStack); undefined means the AWS endpoint. */
  endpoint?: string;
  /** Sign with throwaway credentials when none are configured (emulators accept any). */
  useDummyCredentials: boolean;
};

export type LocalStackConfig = {
  cacheDir: string;
  cassandra: {
    /** True when the contact points are this machine, so `cassflow local up` runs the node. */
    managed: boolean;
    host: string;
    nativePort: number;
    storagePort: number;
    heap: string;
    startTimeoutSeconds: number;
  };
  kinesis: { managed: boolean; host: string; port: number; tlsPort: number };
};

export type CassflowConfig = {
  mode: Mode;
  region: string;
  cassandra: CassandraConfig;
  kinesis: KinesisConfig;
  local: LocalStackConfig;
};

export const LOCAL_DEFAULTS = {
  region: 'us-east-1',
  cassandraHost: '127.0.0.1',
  cassandraPort: 9042,
  storagePort: 7000,
  dataCenter: 'datacenter1',
  keyspace: 'cassflow',
  kinesisPort: 4568,
  kinesisTlsPort: 4567,
  heap: '1G',
  startTimeoutSeconds: 180,
} as const;

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Resolves cassflow's settings from environment variables. Without any, it targets the local
 * stack; in Lambda (or with CASSFLOW_MODE=aws) it targets AWS.
 *
 * @example
 * const config = resolveConfig(process.env);
 * config.cassandra.contactPoints; // ['127.0.0.1']
 */
export function resolveConfig(env: Env = process.env): CassflowConfig {
  const inLambda = readString(env, 'AWS_LAMBDA_FUNCTION_NAME') !== undefined;
  const mode = readChoice(env, 'CASSFLOW_MODE', MODES, inLambda ? 'aws' : 'local');
  const region =
    readString(env, 'AWS_REGION') ??
    readString(env, 'AWS_DEFAULT_REGION') ??
    (mode === 'local' ? LOCAL_DEFAULTS.region : undefined);
  if (!region) throw new ConfigError('AWS_REGION', 'must be set when CASSFLOW_MODE is aws');

  const cassandra = resolveCassandra(env, mode, region);
  const kinesis = resolveKinesis(env, mode, region);
  return { mode, region, cassandra, kinesis, local: resolveLocal(env, cassandra, kinesis) };
}

function resolveCassandra(env: Env, mode: Mode, region: string): CassandraConfig {
  const kind = readChoice(
    env,
    'CASSFLOW_STORE',
    STORE_KINDS,
    mode === 'aws' ? 'keyspaces' : 'cassandra',
  );
  const keyspace = readKeyspaceName(env);
  const listed = readString(env, 'CASSANDRA_CONTACT_POINTS')
    ?.split(',')
    .map((p) => p.trim())
    .filter(Boolean);

  if (kind === 'keyspaces') {
    return {
      kind,
      region,
      contactPoints: listed ?? [`cassandra.${region}.amazonaws.com`],
      port: readPort(env, 'CASSANDRA_PORT', 9142),
      localDataCenter: readString(env, 'CASSANDRA_LOCAL_DC') ?? region,
      keyspace,
    };
  }

  const username = readString(env, 'CASSANDRA_USERNAME');
  const password = readString(env, 'CASSANDRA_PASSWORD');
  if ((username === undefined) !== (password === undefined)) {
    const missing = username === undefined ? 'CASSANDRA_USERNAME' : 'CASSANDRA_PASSWORD';
    throw new ConfigError(missing, 'must be set together with the other of username/password');
  }
  const caFile = readString(env, 'CASSANDRA_TLS_CA_FILE');
  const tlsOn = readBoolean(env, 'CASSANDRA_TLS', caFile !== undefined);
  return {
    kind,
    contactPoints: listed ?? [LOCAL_DEFAULTS.cassandraHost],
    port: readPort(env, 'CASSANDRA_PORT', LOCAL_DEFAULTS.cassandraPort),
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

/** Keyspaces names: at most 48 characters, letters, digits and underscores, a letter or digit first. */
const KEYSPACE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_]{0,47}$/;

function readKeyspaceName(env: Env): string {
  const keyspace = readString(env, 'CASSANDRA_KEYSPACE') ?? LOCAL_DEFAULTS.keyspace;
  if (!KEYSPACE_NAME.test(keyspace)) {
    throw new ConfigError(
      'CASSANDRA_KEYSPACE',
      `'${keyspace}' is not a valid keyspace name (letters, digits, _; at most 48)`,
    );
  }
  return keyspace;
}

function resolveKinesis(env: Env, mode: Mode, region: string): KinesisConfig {
  const endpoint =
    readUrl(env, 'AWS_ENDPOINT_URL_KINESIS') ??
    readUrl(env, 'AWS_ENDPOINT_URL') ??
    (mode === 'local'
      ? `http://${LOCAL_DEFAULTS.cassandraHost}:${readPort(env, 'CASSFLOW_KINESIS_PORT', LOCAL_DEFAULTS.kinesisPort)}`
      : undefined);
  const hasCredentials =
    readString(env, 'AWS_ACCESS_KEY_ID') !== undefined ||
    readString(env, 'AWS_PROFILE') !== undefined;
  return {
    region,
    ...(endpoint ? { endpoint } : {}),
    useDummyCredentials: mode === 'local' && !hasCredentials,
  };
}

function resolveLocal(env: Env, cassandra: CassandraConfig, kinesis: KinesisConfig) {
  const firstPoint = cassandra.contactPoints[0] ?? LOCAL_DEFAULTS.cassandraHost;
  const [host = firstPoint, explicitPort] = splitHostPort(firstPoint);
  const kinesisUrl = kinesis.endpoint ? new URL(kinesis.endpoint) : undefined;
  return {
    cacheDir: readString(env, 'CASSFLOW_CACHE_DIR') ?? `${PROJECT_ROOT}.cache`,
    cassandra: {
      managed:
        cassandra.kind === 'cassandra' &&
        cassandra.contactPoints.every((p) => isLoopback(splitHostPort(p)[0])),
      host: host === 'localhost' ? LOCAL_DEFAULTS.cassandraHost : host,
      nativePort: explicitPort ?? cassandra.port,
      storagePort: readPort(env, 'CASSFLOW_CASSANDRA_STORAGE_PORT', LOCAL_DEFAULTS.storagePort),
      heap: readHeap(env),
      startTimeoutSeconds: readSeconds(
        env,
        'CASSFLOW_CASSANDRA_START_TIMEOUT',
        LOCAL_DEFAULTS.startTimeoutSeconds,
      ),
    },
    kinesis: {
      managed: kinesisUrl !== undefined && isLoopback(kinesisUrl.hostname),
      host: LOCAL_DEFAULTS.cassandraHost,
      port: kinesisUrl?.port ? Number(kinesisUrl.port) : LOCAL_DEFAULTS.kinesisPort,
      tlsPort: readPort(env, 'CASSFLOW_KINESIS_TLS_PORT', LOCAL_DEFAULTS.kinesisTlsPort),
    },
  } satisfies LocalStackConfig;
}

function readHeap(env: Env): string {
  const heap = readString(env, 'CASSFLOW_CASSANDRA_HEAP') ?? LOCAL_DEFAULTS.heap;
  if (!/^\d+[MG]$/.test(heap)) {
    throw new ConfigError('CASSFLOW_CASSANDRA_HEAP', `must look like 512M or 2G, got '${heap}'`);
  }
  return heap;
}

/** `host:port` → [host, port]; bare hosts and IPv6 literals without brackets have no port. */
export function splitHostPort(point: string): [string, number | undefined] {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(point);
  if (match?.[1] && match[2] && (point.startsWith('[') || !match[1].includes(':'))) {
    return [match[1], Number(match[2])];
  }
  return [point.replace(/^\[|\]$/g, ''), undefined];
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
