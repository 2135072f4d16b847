import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CassflowConfig } from '../../config/config.ts';
import type { Env } from '../../config/env-values.ts';
import { PortInUseError, ServerStartError } from '../errors.ts';
import {
  findRunningPid,
  type ManagedProcess,
  probeAgain,
  type ReadyOutcome,
  startDetached,
  startLogTail,
  stopProcess,
  waitUntilReady,
} from '../managed-process.ts';
import { isPortFree } from '../port-free.ts';
import type { ServiceReport, ServiceStatus } from '../service.ts';
import { requireJava } from '../toolchain.ts';
import { cassandraYaml, LOGBACK_XML } from './config-files.ts';
import { CASSANDRA_VERSION, ensureCassandraJars } from './jars.ts';
import { cassandraJvmArgs } from './jvm-args.ts';
import { probeCassandra } from './probe.ts';

const NAME = 'Cassandra';

/** Keyspaces hashes keys as RandomPartitioner does (its DefaultPartitioner has the same tokens). */
const PARTITIONERS = {
  cassandra: 'org.apache.cassandra.dht.Murmur3Partitioner',
  keyspaces: 'org.apache.cassandra.dht.RandomPartitioner',
} as const;

/**
 * The on-disk layout of a local node under the cache directory: `dir` is the node's own (each
 * store flavor has one); the jars are shared.
 */
export function cassandraPaths(cacheDir: string, dir = 'cassandra') {
  const home = join(cacheDir, dir);
  return {
    home,
    lib: join(cacheDir, 'cassandra', 'lib'),
    conf: join(home, 'conf'),
    data: join(home, 'data'),
    logs: join(home, 'logs'),
    triggers: join(home, 'triggers'),
    process: {
      name: NAME,
      pidFile: join(home, 'cassandra.pid'),
      logFile: join(home, 'logs', 'cassandra.log'),
      commandMarker: 'org.apache.cassandra.service.CassandraDaemon',
    } satisfies ManagedProcess,
  };
}

/**
 * Starts the local single-node Cassandra, or finds the one already running. Fetches the jars on
 * first use, writes its config, waits until it answers CQL and says how long that took.
 */
export async function startLocalCassandra(
  config: CassflowConfig,
  env: Env,
  report: (line: string) => void,
): Promise<ServiceReport> {
  const node = config.local.cassandra;
  const endpoint = `${node.host}:${node.nativePort}`;
  const paths = cassandraPaths(config.local.cacheDir, node.dir);
  const running = findRunningPid(paths.process);
  if (running !== undefined) {
    const version = await waitForCql(config, running, paths.process, node.startTimeoutSeconds);
    return { state: 'already-running', endpoint, pid: running, detail: `Cassandra ${version}` };
  }

  if (!(await isPortFree(node.host, node.nativePort))) {
    // A Cassandra someone else runs there (Docker, a package) is used as it is, never stopped.
    const version = await probeAgain(() =>
      probeCassandra(node.host, node.nativePort, config.cassandra.localDataCenter),
    );
    if (version)
      return {
        state: 'foreign',
        endpoint,
        detail: `Cassandra ${version} not started by cassflow; using it`,
      };
  }
  const java = requireJava(env);
  for (const [port, what] of [
    [node.nativePort, 'CQL port (CASSANDRA_PORT)'],
    [node.storagePort, 'storage port (CASSFLOW_CASSANDRA_STORAGE_PORT)'],
  ] as const) {
    if (!(await isPortFree(node.host, port))) {
      throw new PortInUseError(
        NAME,
        `${node.host}:${port}`,
        `Stop whatever listens there, choose another ${what}, or point cassflow at an existing ` +
          'Cassandra with CASSANDRA_CONTACT_POINTS.',
      );
    }
  }

  await ensureCassandraJars(paths.lib, env, report);
  for (const dir of [paths.conf, paths.data, paths.logs, paths.triggers]) {
    mkdirSync(dir, { recursive: true });
  }
  writeFileSync(
    join(paths.conf, 'cassandra.yaml'),
    cassandraYaml({ ...node, dataDir: paths.data, partitioner: PARTITIONERS[node.flavor] }),
  );
  writeFileSync(join(paths.conf, 'logback.xml'), LOGBACK_XML);
  const jamm = readdirSync(paths.lib).find((f) => /^jamm-.*\.jar$/.test(f));
  if (!jamm) throw new Error(`No jamm jar in ${paths.lib}: delete that folder and start again`);

  const flavor = node.flavor === 'keyspaces' ? ' as Amazon Keyspaces' : '';
  report(
    `Starting Cassandra ${CASSANDRA_VERSION}${flavor} on ${endpoint} (log: ${paths.process.logFile})`,
  );
  const started = Date.now();
  writeFileSync(paths.process.logFile, '');
  const args = cassandraJvmArgs({
    heap: node.heap,
    jammJar: join(paths.lib, jamm),
    confDir: paths.conf,
    libDir: paths.lib,
    dataDir: paths.data,
    logDir: paths.logs,
    triggersDir: paths.triggers,
  });
  const pid = startDetached(paths.process, java, args, {
    cwd: paths.home,
    env: { ...(env as NodeJS.ProcessEnv), MALLOC_ARENA_MAX: '4' },
  });
  const version = await waitForCql(config, pid, paths.process, node.startTimeoutSeconds);
  const seconds = (Date.now() - started) / 1000;
  report(`Cassandra ${version} ready on ${endpoint} in ${seconds.toFixed(1)} s (pid ${pid})`);
  return { state: 'started', endpoint, pid, seconds, detail: `Cassandra ${version}` };
}

/** Waits until the node answers CQL; on failure stops it and throws with the log's tail. */
async function waitForCql(
  config: CassflowConfig,
  pid: number,
  proc: ManagedProcess,
  timeoutSeconds: number,
): Promise<string> {
  const { host, nativePort } = config.local.cassandra;
  const dc = config.cassandra.localDataCenter;
  let version: string | undefined;
  const outcome = await waitUntilReady(
    pid,
    async () => {
      version = await probeCassandra(host, nativePort, dc);
      return version !== undefined;
    },
    timeoutSeconds * 1000,
    1000,
  );
  if (outcome === 'ready' && version) return version;
  if (outcome === 'timeout') await stopProcess(pid, 10_000);
  const reason =
    outcome === 'exited'
      ? 'exited while starting'
      : `did not answer CQL on ${host}:${nativePort} within ${timeoutSeconds} s (stopped it)`;
  const tail = startLogTail(proc.logFile);
  throw new ServerStartError(NAME, reason, startFix(config, outcome, tail), proc.logFile, tail);
}

/** What to do when the node did not start, from how it failed and what its log ends with. */
function startFix(config: CassflowConfig, outcome: ReadyOutcome, tail: string): string {
  const { heap, startTimeoutSeconds } = config.local.cassandra;
  if (outcome === 'timeout') {
    return `a slow or busy machine needs longer: raise CASSFLOW_CASSANDRA_START_TIMEOUT (now ${startTimeoutSeconds} s) and run \`cassflow local up\` again`;
  }
  if (/OutOfMemoryError|Cannot allocate memory/.test(tail)) {
    return `it ran out of memory: free some, or change CASSFLOW_CASSANDRA_HEAP (now ${heap})`;
  }
  return 'read why in the log below, fix that and run `cassflow local up` again (`--fresh` also wipes its data)';
}

/** Stops the local node if it runs; waits for the JVM to drain and exit. */
export async function stopLocalCassandra(cacheDir: string, dir?: string): Promise<ServiceStatus> {
  const { process: proc } = cassandraPaths(cacheDir, dir);
  const pid = findRunningPid(proc);
  if (pid === undefined) return { state: 'stopped' };
  const how = await stopProcess(pid, 60_000);
  return {
    state: 'stopped',
    detail: how === 'killed' ? `pid ${pid} killed after 60 s` : `pid ${pid} stopped`,
  };
}

export async function localCassandraStatus(config: CassflowConfig): Promise<ServiceStatus> {
  const { host, nativePort } = config.local.cassandra;
  const endpoint = `${host}:${nativePort}`;
  const pid = findRunningPid(
    cassandraPaths(config.local.cacheDir, config.local.cassandra.dir).process,
  );
  const version = await probeCassandra(host, nativePort, config.cassandra.localDataCenter);
  if (pid === undefined) {
    return version
      ? { state: 'foreign', endpoint, detail: `Cassandra ${version} not started by cassflow` }
      : { state: 'stopped', endpoint };
  }
  return version
    ? { state: 'running', endpoint, pid, detail: `Cassandra ${version}` }
    : { state: 'starting', endpoint, pid };
}
