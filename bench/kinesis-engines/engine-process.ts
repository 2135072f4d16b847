import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { createKinesisClient } from '#lib/kinesis/client';

export type EngineName = 'cassflow' | 'kinesis-mock';

export type RunningEngine = {
  name: EngineName;
  endpoint: string;
  /** Peak resident memory of the server process so far, in MiB (VmHWM). */
  peakRssMiB(): number;
  stop(): Promise<void>;
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(),
      );
    });
  });
}

const ENGINE_MAIN = fileURLToPath(
  new URL('../../lib/stack/kinesis/engine/main.ts', import.meta.url),
);
const BIND_LOOPBACK = fileURLToPath(
  new URL('../../lib/stack/kinesis/bind-loopback.cjs', import.meta.url),
);

async function spawnEngine(name: EngineName, port: number): Promise<ChildProcess> {
  if (name === 'cassflow') {
    return spawn(
      process.execPath,
      ['--max-old-space-size=6144', ENGINE_MAIN, '--port', String(port)],
      {
        stdio: 'ignore',
      },
    );
  }
  const dir = dirname(createRequire(import.meta.url).resolve('kinesis-local/package.json'));
  return spawn(process.execPath, ['--require', BIND_LOOPBACK, join(dir, 'main.js')], {
    cwd: dir,
    stdio: 'ignore',
    env: {
      ...process.env,
      CASSFLOW_BIND_HOST: '127.0.0.1',
      KINESIS_MOCK_PLAIN_PORT: String(port),
      KINESIS_MOCK_TLS_PORT: String(await freePort()),
      CREATE_STREAM_DURATION: '0ms',
      LOG_LEVEL: 'WARN',
    },
  });
}

/** Starts one engine on a free port of 127.0.0.1 and waits until it answers. */
export async function startEngine(name: EngineName): Promise<RunningEngine> {
  const port = await freePort();
  const child = await spawnEngine(name, port);
  const endpoint = `http://127.0.0.1:${port}`;
  const client = createKinesisClient(
    { endpoint, region: 'us-east-1', useDummyCredentials: true },
    { maxAttempts: 1 },
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await client.send(new ListStreamsCommand({}));
      break;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${name} did not answer on ${endpoint}: ${error}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  client.destroy();
  return {
    name,
    endpoint,
    peakRssMiB: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kib = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      return Math.round(kib / 1024);
    },
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}
