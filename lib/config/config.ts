import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CassandraConfig, resolveCassandra, type StoreFlavor } from './cassandra.ts';
import { LOCAL_DEFAULTS } from './defaults.ts';
import {
  type Env,
  readChoice,
  readPort,
  readPositiveInt,
  readSeconds,
  readString,
  readUrl,
} from './env-values.ts';
import { ConfigError } from './errors.ts';
import { isLoopback, splitHostPort } from './hosts.ts';
import {
  type AwsTargetConfig,
  type LocalTargetsConfig,
  type PostgresConfig,
  resolveLocalTargets,
  resolveTargets,
} from './targets.ts';

export {
  type CassandraConfig,
  type KeyspacesConfig,
  type SelfManagedCassandraConfig,
  STORE_FLAVORS,
  STORE_KINDS,
  type StoreFlavor,
  type StoreKind,
} from './cassandra.ts';
export { LOCAL_DEFAULTS } from './defaults.ts';
export { isLoopback, splitHostPort } from './hosts.ts';

/** Where cassflow runs: against the local stack on this machine, or against AWS. */
export const MODES = ['local', 'aws'] as const;
export type Mode = (typeof MODES)[number];

export type KinesisConfig = {
  region: string;
  /** Endpoint override (kinesis-mock, LocalStack); undefined means the AWS endpoint. */
  endpoint?: string;
  /** Sign with throwaway credentials when none are configured (emulators accept any). */
  useDummyCredentials: boolean;
};

export type LocalStackConfig = LocalTargetsConfig & {
  cacheDir: string;
  cassandra: {
    /** True when the contact points are this machine, so `cassflow local up` runs the node. */
    managed: boolean;
    /** Which node: plain Cassandra, or the Keyspaces-faithful one (RandomPartitioner). */
    flavor: StoreFlavor;
    /** The node's directory under the cache (config, data, logs). */
    dir: string;
    host: string;
    nativePort: number;
    storagePort: number;
    heap: string;
    startTimeoutSeconds: number;
    /** Cassandra's tombstone warn and failure thresholds (lowered by the soak, to show growth). */
    tombstoneWarn: number;
    tombstoneFailure: number;
  };
  kinesis: {
    managed: boolean;
    host: string;
    port: number;
    /** kinesis-mock's TLS port (cassflow's own engine speaks plain HTTP only). */
    tlsPort: number;
    /** Which local Kinesis runs: cassflow's own engine, or kinesis-mock (LocalStack's). */
    engine: KinesisEngineName;
    /** Per-shard rate limits (ProvisionedThroughputExceeded), as a real shard has them. */
    shardLimits: boolean;
  };
};

export const KINESIS_ENGINES = ['cassflow', 'kinesis-mock'] as const;
export type KinesisEngineName = (typeof KINESIS_ENGINES)[number];

export type CassflowConfig = {
  mode: Mode;
  region: string;
  cassandra: CassandraConfig;
  kinesis: KinesisConfig;
  /** The sync targets. */
  s3: AwsTargetConfig;
  dynamodb: AwsTargetConfig;
  postgres: PostgresConfig;
  local: LocalStackConfig;
};

/**
 * Where the local stack keeps its jars, data and logs: a checkout's own .cache; once installed
 * (compiled, under node_modules), the user's cache folder, shared by their projects.
 */
function defaultCacheDir(env: Env): string {
  if (import.meta.url.endsWith('.ts'))
    return fileURLToPath(new URL('../../.cache', import.meta.url));
  return join(readString(env, 'XDG_CACHE_HOME') ?? join(homedir(), '.cache'), 'cassflow');
}

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

  const hasCredentials =
    readString(env, 'AWS_ACCESS_KEY_ID') !== undefined ||
    readString(env, 'AWS_PROFILE') !== undefined;
  const cassandra = resolveCassandra(env, mode === 'aws' ? 'keyspaces' : 'cassandra', region);
  const kinesis = resolveKinesis(env, mode, region, hasCredentials);
  const targets = resolveTargets(env, { local: mode === 'local', region, hasCredentials });
  return {
    mode,
    region,
    cassandra,
    kinesis,
    ...targets,
    local: { ...resolveLocal(env, cassandra, kinesis), ...resolveLocalTargets(targets) },
  };
}

function resolveKinesis(
  env: Env,
  mode: Mode,
  region: string,
  hasCredentials: boolean,
): KinesisConfig {
  const endpoint =
    readUrl(env, 'AWS_ENDPOINT_URL_KINESIS') ??
    readUrl(env, 'AWS_ENDPOINT_URL') ??
    (mode === 'local'
      ? `http://${LOCAL_DEFAULTS.cassandraHost}:${readPort(env, 'CASSFLOW_KINESIS_PORT', LOCAL_DEFAULTS.kinesisPort)}`
      : undefined);
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
  const flavor = cassandra.kind === 'cassandra' ? cassandra.flavor : 'cassandra';
  const node = LOCAL_DEFAULTS.nodes[flavor];
  return {
    cacheDir: readString(env, 'CASSFLOW_CACHE_DIR') ?? defaultCacheDir(env),
    cassandra: {
      managed:
        cassandra.kind === 'cassandra' &&
        cassandra.contactPoints.every((p) => isLoopback(splitHostPort(p)[0])),
      flavor,
      dir: node.dir,
      host: host === 'localhost' ? LOCAL_DEFAULTS.cassandraHost : host,
      nativePort: explicitPort ?? cassandra.port,
      storagePort: readPort(env, 'CASSFLOW_CASSANDRA_STORAGE_PORT', node.storagePort),
      heap: readHeap(env),
      startTimeoutSeconds: readSeconds(
        env,
        'CASSFLOW_CASSANDRA_START_TIMEOUT',
        LOCAL_DEFAULTS.startTimeoutSeconds,
      ),
      // Cassandra's own defaults.
      tombstoneWarn: readPositiveInt(env, 'CASSFLOW_CASSANDRA_TOMBSTONE_WARN', 1000),
      tombstoneFailure: readPositiveInt(env, 'CASSFLOW_CASSANDRA_TOMBSTONE_FAILURE', 100_000),
    },
    kinesis: {
      managed: kinesisUrl !== undefined && isLoopback(kinesisUrl.hostname),
      host: LOCAL_DEFAULTS.cassandraHost,
      port: kinesisUrl?.port ? Number(kinesisUrl.port) : LOCAL_DEFAULTS.kinesisPort,
      tlsPort: readPort(env, 'CASSFLOW_KINESIS_TLS_PORT', LOCAL_DEFAULTS.kinesisTlsPort),
      engine: readChoice(env, 'CASSFLOW_KINESIS_ENGINE', KINESIS_ENGINES, 'cassflow'),
      shardLimits: readChoice(env, 'CASSFLOW_KINESIS_SHARD_LIMITS', ['on', 'off'], 'on') === 'on',
    },
  } satisfies Omit<LocalStackConfig, keyof LocalTargetsConfig>;
}

function readHeap(env: Env): string {
  const heap = readString(env, 'CASSFLOW_CASSANDRA_HEAP') ?? LOCAL_DEFAULTS.heap;
  if (!/^\d+[MG]$/.test(heap)) {
    throw new ConfigError('CASSFLOW_CASSANDRA_HEAP', `must look like 512M or 2G, got '${heap}'`);
  }
  return heap;
}
