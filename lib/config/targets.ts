import { type Env, readString, readUrl } from './env-values.ts';
import { ConfigError } from './errors.ts';
import { bindAddress, isLoopback } from './hosts.ts';

/** S3 or DynamoDB, where sync writes rows. */
export type AwsTargetConfig = {
  region: string;
  /** Endpoint override (the local servers, LocalStack); undefined means the AWS endpoint. */
  endpoint?: string;
  /** Sign with the local emulators' credentials instead of the default credential chain. */
  useDummyCredentials: boolean;
};

export type PostgresConfig = {
  /** A `postgres://user:password@host:port/database` URL; undefined when none is configured. */
  url?: string;
};

/** The stores sync writes to. */
export type TargetsConfig = {
  s3: AwsTargetConfig;
  dynamodb: AwsTargetConfig;
  postgres: PostgresConfig;
};

/** A server of the local stack; `managed` when its endpoint is this machine, so cassflow runs it. */
export type LocalServerConfig = { managed: boolean; host: string; port: number };

export type LocalPostgresConfig = LocalServerConfig & {
  user: string;
  password: string;
  database: string;
};

export type LocalTargetsConfig = {
  s3: LocalServerConfig;
  dynamodb: LocalServerConfig;
  postgres: LocalPostgresConfig;
};

export const TARGET_DEFAULTS = {
  host: '127.0.0.1',
  s3Port: 4569,
  dynamodbPort: 8000,
  postgresPort: 55432,
  postgresUser: 'cassflow',
  postgresPassword: 'cassflow',
  postgresDatabase: 'cassflow',
} as const;

const D = TARGET_DEFAULTS;

/** The local PostgreSQL's URL: what CASSFLOW_POSTGRES_URL defaults to in local mode. */
export const LOCAL_POSTGRES_URL = `postgres://${D.postgresUser}:${D.postgresPassword}@${D.host}:${D.postgresPort}/${D.postgresDatabase}`;

/**
 * The sync targets' endpoints. Locally they default to the local stack's servers; on AWS, S3 and
 * DynamoDB default to AWS and PostgreSQL to nothing.
 */
export function resolveTargets(
  env: Env,
  options: { local: boolean; region: string; hasCredentials: boolean },
): TargetsConfig {
  const generic = readUrl(env, 'AWS_ENDPOINT_URL');
  const localUrl = (port: number) => (options.local ? `http://${D.host}:${port}` : undefined);
  const s3 = readUrl(env, 'AWS_ENDPOINT_URL_S3') ?? generic ?? localUrl(D.s3Port);
  const dynamodb = readUrl(env, 'AWS_ENDPOINT_URL_DYNAMODB') ?? generic ?? localUrl(D.dynamodbPort);
  const postgres = readPostgresUrl(env) ?? (options.local ? LOCAL_POSTGRES_URL : undefined);
  const aws = (endpoint: string | undefined): AwsTargetConfig => ({
    region: options.region,
    ...(endpoint ? { endpoint } : {}),
    // s3rver knows only its own key pair, whatever the developer's AWS credentials are.
    useDummyCredentials:
      (options.local && !options.hasCredentials) ||
      isLocalHttp(endpoint ? new URL(endpoint) : undefined),
  });
  return {
    s3: aws(s3),
    dynamodb: aws(dynamodb),
    postgres: postgres ? { url: postgres } : {},
  };
}

/** Which target servers run on this machine, where, and (PostgreSQL) as whom. */
export function resolveLocalTargets(targets: TargetsConfig): LocalTargetsConfig {
  const pg = targets.postgres.url ? new URL(targets.postgres.url) : undefined;
  return {
    s3: localHttpServer(targets.s3.endpoint, D.s3Port),
    dynamodb: localHttpServer(targets.dynamodb.endpoint, D.dynamodbPort),
    postgres: {
      managed: pg !== undefined && isLoopback(bare(pg.hostname)),
      host: pg ? bindAddress(pg.hostname) : D.host,
      port: pg?.port ? Number(pg.port) : pg ? 5432 : D.postgresPort,
      user: pg?.username ? decodeURIComponent(pg.username) : D.postgresUser,
      password: pg?.password ? decodeURIComponent(pg.password) : D.postgresPassword,
      database: pg?.pathname.slice(1)
        ? decodeURIComponent(pg.pathname.slice(1))
        : D.postgresDatabase,
    },
  };
}

function localHttpServer(endpoint: string | undefined, fallbackPort: number): LocalServerConfig {
  const url = endpoint ? new URL(endpoint) : undefined;
  return {
    managed: isLocalHttp(url),
    host: url && isLoopback(bare(url.hostname)) ? bindAddress(url.hostname) : D.host,
    port: url?.port ? Number(url.port) : url ? defaultPort(url) : fallbackPort,
  };
}

/** The local servers speak plain HTTP: an https endpoint on this machine is someone else's. */
function isLocalHttp(url: URL | undefined): boolean {
  return url?.protocol === 'http:' && isLoopback(bare(url.hostname));
}

function defaultPort(url: URL): number {
  return url.protocol === 'https:' ? 443 : 80;
}

function bare(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, '');
}

/** CASSFLOW_POSTGRES_URL; the value is never echoed, as it may hold a password. */
function readPostgresUrl(env: Env): string | undefined {
  const raw = readString(env, 'CASSFLOW_POSTGRES_URL');
  if (raw === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || !['postgres:', 'postgresql:'].includes(url.protocol) || !url.hostname) {
    throw new ConfigError(
      'CASSFLOW_POSTGRES_URL',
      'must be a URL such as postgres://user:password@127.0.0.1:55432/cassflow',
    );
  }
  return raw;
}
