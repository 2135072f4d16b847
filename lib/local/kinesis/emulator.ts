import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import type { CassflowConfig } from '../../config/config.ts';
import type { Env } from '../../config/env-values.ts';
import { createKinesisClient } from '../../kinesis/client.ts';
import { PortInUseError, ServerStartError } from '../errors.ts';
import {
  findRunningPid,
  type ManagedProcess,
  startDetached,
  stopProcess,
  tailFile,
  waitUntilReady,
} from '../managed-process.ts';
import { isPortFree } from '../ports.ts';
import type { ServiceReport, ServiceStatus } from '../service.ts';

const NAME = 'Kinesis emulator (kinesis-mock)';
const START_TIMEOUT_MS = 60_000;
const BIND_LOOPBACK = fileURLToPath(new URL('./bind-loopback.cjs', import.meta.url));

function emulatorPaths(cacheDir: string) {
  const home = join(cacheDir, 'kinesis');
  return {
    home,
    process: {
      name: NAME,
      pidFile: join(home, 'kinesis-mock.pid'),
      logFile: join(home, 'kinesis-mock.log'),
      commandMarker: 'kinesis-local',
    } satisfies ManagedProcess,
  };
}

/** kinesis-mock reads server.json from its working directory, so it runs from its package. */
function emulatorPackageDir(): string {
  return dirname(createRequire(import.meta.url).resolve('kinesis-local/package.json'));
}

/** One quick ListStreams: a port held by something that never answers must not stall us. */
async function answersKinesis(config: CassflowConfig): Promise<boolean> {
  const client = createKinesisClient(config.kinesis, { maxAttempts: 1 });
  try {
    await client.send(new ListStreamsCommand({}), { abortSignal: AbortSignal.timeout(3000) });
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}

/** Starts kinesis-mock on 127.0.0.1 (plain HTTP and TLS ports), or finds the one running. */
export async function startKinesisEmulator(
  config: CassflowConfig,
  env: Env,
  report: (line: string) => void,
): Promise<ServiceReport> {
  const { host, port, tlsPort } = config.local.kinesis;
  const endpoint = `http://${host}:${port}`;
  const paths = emulatorPaths(config.local.cacheDir);
  const running = findRunningPid(paths.process);
  if (running !== undefined && (await answersKinesis(config))) {
    return { state: 'already-running', endpoint, pid: running };
  }
  if (running !== undefined) await stopProcess(running, 5000);
  if (!(await isPortFree(host, port)) && (await answersKinesis(config))) {
    // LocalStack or an emulator someone else runs: used as it is, never stopped.
    return {
      state: 'foreign',
      endpoint,
      detail: 'a Kinesis endpoint not started by cassflow; using it',
    };
  }

  for (const [p, variable] of [
    [port, 'CASSFLOW_KINESIS_PORT'],
    [tlsPort, 'CASSFLOW_KINESIS_TLS_PORT'],
  ] as const) {
    if (!(await isPortFree(host, p))) {
      throw new PortInUseError(
        NAME,
        `${host}:${p}`,
        `Stop whatever listens there, set ${variable} to a free port, or point cassflow at a ` +
          'running Kinesis with AWS_ENDPOINT_URL_KINESIS.',
      );
    }
  }

  mkdirSync(paths.home, { recursive: true });
  writeFileSync(paths.process.logFile, '');
  const started = Date.now();
  const pid = startDetached(
    paths.process,
    process.execPath,
    ['--require', BIND_LOOPBACK, join(emulatorPackageDir(), 'main.js')],
    {
      cwd: emulatorPackageDir(),
      env: {
        ...(env as NodeJS.ProcessEnv),
        CASSFLOW_BIND_HOST: host,
        KINESIS_MOCK_PLAIN_PORT: String(port),
        KINESIS_MOCK_TLS_PORT: String(tlsPort),
        // Stream create/delete/split take 500 ms each by default; tests create many streams.
        CREATE_STREAM_DURATION: '0ms',
        DELETE_STREAM_DURATION: '0ms',
        UPDATE_SHARD_COUNT_DURATION: '0ms',
        REGISTER_STREAM_CONSUMER_DURATION: '0ms',
        LOG_LEVEL: env.CASSFLOW_KINESIS_LOG_LEVEL ?? 'WARN',
        // Kinesis' default account quota (50 shards) would fail test runs that leave streams behind.
        SHARD_LIMIT: env.CASSFLOW_KINESIS_SHARD_LIMIT ?? '1000',
      },
    },
  );
  const outcome = await waitUntilReady(pid, () => answersKinesis(config), START_TIMEOUT_MS, 250);
  if (outcome !== 'ready') {
    if (outcome === 'timeout') await stopProcess(pid, 5000);
    const reason = outcome === 'exited' ? 'exited while starting' : 'did not answer in 60 s';
    throw new ServerStartError(
      NAME,
      reason,
      paths.process.logFile,
      tailFile(paths.process.logFile),
    );
  }
  const seconds = (Date.now() - started) / 1000;
  report(`Kinesis emulator ready on ${endpoint} in ${seconds.toFixed(1)} s (pid ${pid})`);
  return { state: 'started', endpoint, pid, seconds };
}

export async function stopKinesisEmulator(cacheDir: string): Promise<ServiceStatus> {
  const pid = findRunningPid(emulatorPaths(cacheDir).process);
  if (pid === undefined) return { state: 'stopped' };
  await stopProcess(pid, 10_000);
  return { state: 'stopped', detail: `pid ${pid} stopped` };
}

export async function kinesisEmulatorStatus(config: CassflowConfig): Promise<ServiceStatus> {
  const { host, port } = config.local.kinesis;
  const endpoint = `http://${host}:${port}`;
  const pid = findRunningPid(emulatorPaths(config.local.cacheDir).process);
  const answers = await answersKinesis(config);
  if (pid === undefined) {
    return answers
      ? { state: 'foreign', endpoint, detail: 'a Kinesis endpoint not started by cassflow' }
      : { state: 'stopped', endpoint };
  }
  return { state: answers ? 'running' : 'starting', endpoint, pid };
}
