import { rmSync } from 'node:fs';
import { Command } from 'commander';
import { resolveConfig } from '#lib/config/config';
import { CASSANDRA_VERSION, ensureCassandraJars } from '#lib/local/cassandra/jars';
import { cassandraPaths } from '#lib/local/cassandra/node';
import type { ServiceReport } from '#lib/local/service';
import { localDown, localStatus, localUp } from '#lib/local/stack';
import { requireJava } from '#lib/local/toolchain';
import { ExitStatus } from '../exit-status.ts';
import type { Output } from '../output.ts';

/** `cassflow local up|install|down|status`: the local Cassandra and Kinesis emulator. */
export function localCommand(out: Output): Command {
  const local = new Command('local')
    .summary('the local stack: local up [--fresh] | install | down | status')
    .description('Run the local stack: Apache Cassandra and the Kinesis emulator, on 127.0.0.1');

  local
    .command('up')
    .description(
      'Start the local stack: Apache Cassandra 5 (from Maven Central jars, on Java 17) and the ' +
        'Kinesis emulator (kinesis-mock), on 127.0.0.1. Finds servers that already run.',
    )
    .option('--fresh', "wipe the local Cassandra's data first")
    .action(async (options: { fresh?: boolean }) => {
      const config = resolveConfig(process.env);
      if (options.fresh) {
        await localDown(config);
        rmSync(cassandraPaths(config.local.cacheDir).data, { recursive: true, force: true });
        out.info('Wiped the local Cassandra data');
      }
      const started = Date.now();
      const stack = await localUp(config, process.env, out.info);
      out.info(describe('Cassandra', stack.cassandra));
      out.info(describe('Kinesis  ', stack.kinesis));
      out.info(`Local stack up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });

  local
    .command('install')
    .description(
      'Check Java 17 and fetch the Cassandra jars with Maven (local up does this on first use; ' +
        'CI runs it up front)',
    )
    .action(async () => {
      const config = resolveConfig(process.env);
      requireJava(process.env);
      const lib = cassandraPaths(config.local.cacheDir).lib;
      const outcome = await ensureCassandraJars(lib, process.env, out.info);
      out.info(`Cassandra ${CASSANDRA_VERSION} jars ${outcome} in ${lib}; Java 17 found`);
    });

  local
    .command('down')
    .description("Stop the servers 'local up' started (never ones it did not start)")
    .action(async () => {
      const stopped = await localDown(resolveConfig(process.env));
      for (const [name, status] of Object.entries(stopped)) {
        out.info(`${name}: ${status.detail ?? 'was not running'}`);
      }
    });

  local
    .command('status')
    .description('Show what runs, where, and under which pid (exit code 3 when a server is down)')
    .action(async () => {
      const stack = await localStatus(resolveConfig(process.env));
      out.info(describe('Cassandra', stack.cassandra));
      out.info(describe('Kinesis  ', stack.kinesis));
      if (stack.cassandra.state === 'stopped' || stack.kinesis.state === 'stopped') {
        throw new ExitStatus(3, 'a local server is stopped');
      }
    });

  return local;
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
