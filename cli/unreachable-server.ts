import type { CassflowConfig } from '#lib/config/config';
import { withoutPassword } from '#lib/config/hosts';

/** A server a command could not reach: which, where, why, and what to do about it. */
export type UnreachableServer = {
  service: 'Cassandra' | 'Kinesis' | 'S3' | 'DynamoDB' | 'PostgreSQL' | 'a server';
  endpoint: string;
  reason: string;
  fix: string;
};

/** Network errors that mean nothing answered at the address. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EAI_AGAIN',
]);

type NetworkError = Error & { code?: string; address?: string; port?: number; hostname?: string };

/** The server behind a failed command, if the failure is that a server did not answer. */
export function unreachableServer(
  error: unknown,
  config: CassflowConfig,
): UnreachableServer | undefined {
  for (const cause of causes(error)) {
    if (cause.name === 'NoHostAvailableError') {
      const inner = Object.values(
        (cause as { innerErrors?: Record<string, Error> }).innerErrors ?? {},
      );
      return cassandra(config, inner[0]?.message ?? cause.message);
    }
    const network = cause as NetworkError;
    if (!network.code || !UNREACHABLE.has(network.code)) continue;
    const where = network.address
      ? `${network.address}:${network.port}`
      : (network.hostname ?? 'an address the error does not give');
    const reason = `${network.code} ${where}`;
    return (
      byPort(config, network.port, reason) ??
      byHost(network.hostname, where, reason) ?? {
        service: 'a server',
        endpoint: where,
        reason,
        fix: 'check that the servers the command uses are running (cassflow local status)',
      }
    );
  }
  return undefined;
}

/** The error and everything it wraps (cause, AggregateError's errors). */
function* causes(error: unknown, depth = 0): Generator<Error> {
  if (!(error instanceof Error) || depth > 5) return;
  yield error;
  yield* causes((error as { cause?: unknown }).cause, depth + 1);
  for (const inner of (error as { errors?: unknown[] }).errors ?? [])
    yield* causes(inner, depth + 1);
}

function cassandra(config: CassflowConfig, reason: string): UnreachableServer {
  const { cassandra: local } = config.local;
  const endpoint =
    config.cassandra.kind === 'keyspaces'
      ? `Amazon Keyspaces (${config.cassandra.contactPoints.join(', ')})`
      : `${config.cassandra.contactPoints.join(', ')}`;
  return {
    service: 'Cassandra',
    endpoint,
    reason,
    fix: local.managed
      ? 'start the local stack: cassflow local up'
      : 'check that it is running, and that CASSANDRA_CONTACT_POINTS and CASSANDRA_PORT name it',
  };
}

function byPort(
  config: CassflowConfig,
  port: number | undefined,
  reason: string,
): UnreachableServer | undefined {
  if (port === undefined) return undefined;
  if (port === config.local.cassandra.nativePort) return cassandra(config, reason);
  const candidates: [UnreachableServer['service'], string | undefined, string, boolean][] = [
    ['Kinesis', config.kinesis.endpoint, 'AWS_ENDPOINT_URL_KINESIS', config.local.kinesis.managed],
    ['S3', config.s3.endpoint, 'AWS_ENDPOINT_URL_S3', config.local.s3.managed],
    [
      'DynamoDB',
      config.dynamodb.endpoint,
      'AWS_ENDPOINT_URL_DYNAMODB',
      config.local.dynamodb.managed,
    ],
    ['PostgreSQL', config.postgres.url, 'CASSFLOW_POSTGRES_URL', config.local.postgres.managed],
  ];
  for (const [service, url, variable, managed] of candidates) {
    if (!url || portOf(url) !== port) continue;
    const endpoint = service === 'PostgreSQL' ? withoutPassword(url) : url;
    return {
      service,
      endpoint,
      reason,
      fix: managed
        ? 'start the local stack: cassflow local up'
        : `check that it is running, and that ${variable} names it`,
    };
  }
  return undefined;
}

const DEFAULT_PORTS: Record<string, number> = {
  'https:': 443,
  'postgres:': 5432,
  'postgresql:': 5432,
};

/** An AWS endpoint by its host name (kinesis.eu-west-1.amazonaws.com, ...). */
function byHost(
  hostname: string | undefined,
  endpoint: string,
  reason: string,
): UnreachableServer | undefined {
  if (!hostname) return undefined;
  const services: [RegExp, UnreachableServer['service']][] = [
    [/^cassandra\./, 'Cassandra'],
    [/^kinesis\./, 'Kinesis'],
    [/(^|\.)s3[.-]/, 'S3'],
    [/^dynamodb\./, 'DynamoDB'],
  ];
  const service = services.find(([pattern]) => pattern.test(hostname))?.[1];
  if (!service) return undefined;
  return {
    service,
    endpoint,
    reason,
    fix: 'check the network, AWS_REGION and that the service is available there',
  };
}

function portOf(url: string): number | undefined {
  try {
    const parsed = new URL(url);
    if (parsed.port) return Number(parsed.port);
    return DEFAULT_PORTS[parsed.protocol] ?? 80;
  } catch {
    return undefined;
  }
}
