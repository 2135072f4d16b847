import { rmSync } from 'node:fs';
import { resolveConfig } from '#lib/config/config';
import { CASSANDRA_VERSION, ensureCassandraJars } from '#lib/local/cassandra/jars';
import { cassandraPaths } from '#lib/local/cassandra/node';
import type { ServiceReport } from '#lib/local/service';
import { localDown, localStatus, localUp } from '#lib/local/stack';
import { requireJava } from '#lib/local/toolchain';
import { parseFlags } from '../args.ts';
import { type Output, UsageError } from '../output.ts';

export async function localCommand(args: string[], out: Output): Promise<number> {
  const { values, positionals } = parseFlags(args, { fresh: { type: 'boolean' } });
  const config = resolveConfig(process.env);
  switch (positionals[0]) {
    case 'up': {
      if (values.fresh) {
        await localDown(config);
        rmSync(cassandraPaths(config.local.cacheDir).data, { recursive: true, force: true });
        out.info('Wiped the local Cassandra data');
      }
      const started = Date.now();
      const stack = await localUp(config, process.env, out.info);
      out.info(describe('Cassandra', stack.cassandra));
      out.info(describe('Kinesis  ', stack.kinesis));
      out.info(`Local stack up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return 0;
    }
    case 'install': {
      requireJava(process.env);
      const lib = cassandraPaths(config.local.cacheDir).lib;
      const outcome = await ensureCassandraJars(lib, process.env, out.info);
      out.info(`Cassandra ${CASSANDRA_VERSION} jars ${outcome} in ${lib}; Java 17 found`);
      return 0;
    }
    case 'down': {
      const stopped = await localDown(config);
      for (const [name, status] of Object.entries(stopped)) {
        out.info(`${name}: ${status.detail ?? 'was not running'}`);
      }
      return 0;
    }
    case 'status': {
      const stack = await localStatus(config);
      out.info(describe('Cassandra', stack.cassandra));
      out.info(describe('Kinesis  ', stack.kinesis));
      return stack.cassandra.state === 'stopped' || stack.kinesis.state === 'stopped' ? 3 : 0;
    }
    default:
      throw new UsageError(
        `'cassflow local' takes install, up, down or status (got '${positionals[0] ?? ''}')`,
      );
  }
}

export function describe(name: string, service: ServiceReport): string {
  const parts = [`${name}: ${service.state}`];
  if (service.endpoint) parts.push(`at ${service.endpoint}`);
  if (service.pid) parts.push(`(pid ${service.pid})`);
  if (service.seconds !== undefined) parts.push(`in ${service.seconds.toFixed(1)} s`);
  if (service.detail) parts.push(`- ${service.detail}`);
  return parts.join(' ');
}
