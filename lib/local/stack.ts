import type { CassflowConfig } from '../config/config.ts';
import type { Env } from '../config/env-values.ts';
import { localCassandraStatus, startLocalCassandra, stopLocalCassandra } from './cassandra/node.ts';
import {
  kinesisEmulatorStatus,
  startKinesisEmulator,
  stopKinesisEmulator,
} from './kinesis/emulator.ts';
import type { ServiceReport, ServiceStatus } from './service.ts';

/** The servers of the local stack, each started by cassflow or configured elsewhere. */
export type StackReport = { cassandra: ServiceReport; kinesis: ServiceReport };

/**
 * Starts what the configuration says runs on this machine (Cassandra, kinesis-mock) and leaves
 * configured remote endpoints alone. Safe to call again: running servers are found, not doubled.
 */
export async function localUp(
  config: CassflowConfig,
  env: Env,
  report: (line: string) => void,
): Promise<StackReport> {
  // kinesis-mock starts in a second or two: start it while the JVM warms up.
  const kinesis = config.local.kinesis.managed
    ? startKinesisEmulator(config, env, report)
    : Promise.resolve(external(config.kinesis.endpoint ?? 'AWS Kinesis'));
  const cassandra = config.local.cassandra.managed
    ? startLocalCassandra(config, env, report)
    : Promise.resolve(external(config.cassandra.contactPoints.join(',')));
  const [k, c] = await Promise.allSettled([kinesis, cassandra]);
  if (c.status === 'rejected' || k.status === 'rejected') {
    // Leave nothing half-up that this call started.
    if (k.status === 'fulfilled' && k.value.state === 'started') {
      await stopKinesisEmulator(config.local.cacheDir);
    }
    if (c.status === 'fulfilled' && c.value.state === 'started') {
      await stopLocalCassandra(config.local.cacheDir);
    }
    throw c.status === 'rejected' ? c.reason : (k as PromiseRejectedResult).reason;
  }
  return { cassandra: c.value, kinesis: k.value };
}

function external(endpoint: string): ServiceReport {
  return { state: 'external', endpoint, detail: 'configured elsewhere; not managed' };
}

/** Stops the servers cassflow started (only those: `which` narrows it further). */
export async function localDown(
  config: CassflowConfig,
  which: { cassandra: boolean; kinesis: boolean } = { cassandra: true, kinesis: true },
): Promise<{ cassandra?: ServiceStatus; kinesis?: ServiceStatus }> {
  const [cassandra, kinesis] = await Promise.all([
    which.cassandra ? stopLocalCassandra(config.local.cacheDir) : undefined,
    which.kinesis ? stopKinesisEmulator(config.local.cacheDir) : undefined,
  ]);
  return { ...(cassandra ? { cassandra } : {}), ...(kinesis ? { kinesis } : {}) };
}

export async function localStatus(config: CassflowConfig): Promise<StackReport> {
  const [cassandra, kinesis] = await Promise.all([
    config.local.cassandra.managed
      ? localCassandraStatus(config)
      : external(config.cassandra.contactPoints.join(',')),
    config.local.kinesis.managed
      ? kinesisEmulatorStatus(config)
      : external(config.kinesis.endpoint ?? 'AWS Kinesis'),
  ]);
  return { cassandra, kinesis };
}
