import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CassflowConfig } from '../../config/config.ts';
import type { Env } from '../../config/env-values.ts';
import type { BackgroundServer } from '../background-server.ts';
import { type ManagedProcess, processIn } from '../managed-process.ts';

type EngineServer = ((
  config: CassflowConfig,
  env: Env,
  answers: () => Promise<boolean>,
) => BackgroundServer) & { process: (cacheDir: string) => ManagedProcess };

const home = (cacheDir: string) => join(cacheDir, 'kinesis');
const ELSEWHERE = 'or point cassflow at a running Kinesis with AWS_ENDPOINT_URL_KINESIS';
const ENGINE_MAIN = fileURLToPath(new URL('./engine/main.ts', import.meta.url));
const BIND_LOOPBACK = fileURLToPath(new URL('./bind-loopback.cjs', import.meta.url));

/** cassflow's own in-memory Kinesis (engine/): a real shard's rates, limits and resharding. */
export const cassflowKinesisServer: EngineServer = Object.assign(
  (config: CassflowConfig, env: Env, answers: () => Promise<boolean>): BackgroundServer => {
    const { host, port, shardLimits } = config.local.kinesis;
    return {
      process: cassflowKinesisServer.process(config.local.cacheDir),
      home: home(config.local.cacheDir),
      endpoint: `http://${host}:${port}`,
      host,
      ports: [{ port, fix: `set CASSFLOW_KINESIS_PORT to a free port, ${ELSEWHERE}` }],
      answers,
      foreignKind: 'a Kinesis endpoint',
      startTimeoutMs: 20_000,
      stopGraceMs: 5000,
      command: () => ({
        command: process.execPath,
        // 600,000 records of 1 KiB per shard on 4 shards is ~3 GiB of strings.
        args: [
          '--max-old-space-size=6144',
          ENGINE_MAIN,
          ...['--host', host, '--port', String(port), '--region', config.kinesis.region],
          ...['--shard-limit', env.CASSFLOW_KINESIS_SHARD_LIMIT ?? '1000'],
          ...(shardLimits ? [] : ['--no-limits']),
        ],
        cwd: home(config.local.cacheDir),
        env: env as NodeJS.ProcessEnv,
      }),
    };
  },
  {
    process: (cacheDir: string) =>
      processIn(home(cacheDir), 'Kinesis (cassflow local engine)', 'cassflow-kinesis', ENGINE_MAIN),
  },
);

/** kinesis-mock reads server.json from its working directory, so it runs from its package. */
function kinesisMockDir(): string {
  return dirname(createRequire(import.meta.url).resolve('kinesis-local/package.json'));
}

/** kinesis-mock (npm kinesis-local), the engine LocalStack runs; for comparing against. */
export const kinesisMockServer: EngineServer = Object.assign(
  (config: CassflowConfig, env: Env, answers: () => Promise<boolean>): BackgroundServer => {
    const { host, port, tlsPort } = config.local.kinesis;
    return {
      process: kinesisMockServer.process(config.local.cacheDir),
      home: home(config.local.cacheDir),
      endpoint: `http://${host}:${port}`,
      host,
      ports: [
        { port, fix: `set CASSFLOW_KINESIS_PORT to a free port, ${ELSEWHERE}` },
        { port: tlsPort, fix: `set CASSFLOW_KINESIS_TLS_PORT to a free port, ${ELSEWHERE}` },
      ],
      answers,
      foreignKind: 'a Kinesis endpoint',
      startTimeoutMs: 60_000,
      stopGraceMs: 10_000,
      command: () => ({
        command: process.execPath,
        args: ['--require', BIND_LOOPBACK, join(kinesisMockDir(), 'main.js')],
        cwd: kinesisMockDir(),
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
          // Kinesis' default account quota (50 shards) would fail runs that leave streams behind.
          SHARD_LIMIT: env.CASSFLOW_KINESIS_SHARD_LIMIT ?? '1000',
        },
      }),
    };
  },
  {
    process: (cacheDir: string) =>
      processIn(home(cacheDir), 'Kinesis emulator (kinesis-mock)', 'kinesis-mock', 'kinesis-local'),
  },
);
