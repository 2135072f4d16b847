import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import type { CassflowConfig } from '../../config/config.ts';
import type { Env } from '../../config/env-values.ts';
import { createKinesisClient } from '../../kinesis/client.ts';
import { answersQuickly, type BackgroundServer, serverControls } from '../background-server.ts';
import { processIn } from '../managed-process.ts';

const NAME = 'Kinesis emulator (kinesis-mock)';
const START_TIMEOUT_MS = 60_000;
const BIND_LOOPBACK = fileURLToPath(new URL('./bind-loopback.cjs', import.meta.url));

function emulatorPaths(cacheDir: string) {
  const home = join(cacheDir, 'kinesis');
  return {
    home,
    process: processIn(home, NAME, 'kinesis-mock', 'kinesis-local'),
  };
}

/** kinesis-mock reads server.json from its working directory, so it runs from its package. */
function emulatorPackageDir(): string {
  return dirname(createRequire(import.meta.url).resolve('kinesis-local/package.json'));
}

function answersKinesis(config: CassflowConfig): Promise<boolean> {
  return answersQuickly(
    createKinesisClient(config.kinesis, { maxAttempts: 1 }),
    (client, abortSignal) => client.send(new ListStreamsCommand({}), { abortSignal }),
    (client) => client.destroy(),
  );
}

function emulatorServer(config: CassflowConfig, env: Env): BackgroundServer {
  const { host, port, tlsPort } = config.local.kinesis;
  const paths = emulatorPaths(config.local.cacheDir);
  const elsewhere = 'or point cassflow at a running Kinesis with AWS_ENDPOINT_URL_KINESIS';
  return {
    process: paths.process,
    home: paths.home,
    endpoint: `http://${host}:${port}`,
    host,
    ports: [
      { port, fix: `set CASSFLOW_KINESIS_PORT to a free port, ${elsewhere}` },
      { port: tlsPort, fix: `set CASSFLOW_KINESIS_TLS_PORT to a free port, ${elsewhere}` },
    ],
    answers: () => answersKinesis(config),
    foreignKind: 'a Kinesis endpoint',
    startTimeoutMs: START_TIMEOUT_MS,
    stopGraceMs: 10_000,
    command: () => ({
      command: process.execPath,
      args: ['--require', BIND_LOOPBACK, join(emulatorPackageDir(), 'main.js')],
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
    }),
  };
}

/**
 * Starts kinesis-mock on 127.0.0.1 (plain HTTP and TLS ports), or finds the one running. A
 * Kinesis endpoint someone else runs there (LocalStack) is used as it is.
 */
const controls = serverControls(
  emulatorServer,
  (cacheDir) => emulatorPaths(cacheDir).process,
  10000,
);

export const startKinesisEmulator = controls.start;
export const stopKinesisEmulator = controls.stop;
export const kinesisEmulatorStatus = controls.status;
