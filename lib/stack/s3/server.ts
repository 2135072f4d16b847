import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import type { CassflowConfig } from '../../config/config.ts';
import type { Env } from '../../config/env-values.ts';
import { createS3Client } from '../../sync/targets/clients.ts';
import { answersQuickly, type BackgroundServer, serverControls } from '../background-server.ts';
import { processIn } from '../managed-process.ts';

const NAME = 'S3 server (s3rver)';

/** Where s3rver keeps its buckets (one folder each), its pid file and its log. */
export function s3Paths(cacheDir: string) {
  const home = join(cacheDir, 's3');
  return {
    home,
    data: join(home, 'data'),
    process: processIn(home, NAME, 's3rver', 's3rver'),
  };
}

function answersS3(config: CassflowConfig): Promise<boolean> {
  return answersQuickly(
    createS3Client(config.s3, { maxAttempts: 1 }),
    (client, abortSignal) => client.send(new ListBucketsCommand({}), { abortSignal }),
    (client) => client.destroy(),
  );
}

function s3Server(config: CassflowConfig, env: Env): BackgroundServer {
  const { host, port } = config.local.s3;
  const paths = s3Paths(config.local.cacheDir);
  const cli = join(dirname(createRequire(import.meta.url).resolve('s3rver/package.json')), 'bin');
  return {
    process: paths.process,
    home: paths.home,
    endpoint: `http://${host}:${port}`,
    host,
    ports: [
      {
        port,
        fix: 'set AWS_ENDPOINT_URL_S3 to http://127.0.0.1:<a free port>, or to an S3 endpoint running elsewhere',
      },
    ],
    answers: () => answersS3(config),
    foreignKind: 'an S3 endpoint',
    startTimeoutMs: 30_000,
    stopGraceMs: 5000,
    command: () => ({
      command: process.execPath,
      args: [
        join(cli, 's3rver.js'),
        ...['--directory', paths.data, '--address', host, '--port', String(port)],
        // Per-request logging would grow the log without bound; crashes still reach it.
        '--silent',
        // Clients address buckets by path; a host name must never be taken for a bucket.
        '--no-vhost-buckets',
      ],
      cwd: paths.home,
      env: env as NodeJS.ProcessEnv,
    }),
  };
}

/**
 * Starts s3rver (an S3-compatible server, objects kept as files under the cache dir) on
 * 127.0.0.1, or finds it running. An S3 endpoint someone else runs there is used as it is.
 */
const controls = serverControls(s3Server, (cacheDir) => s3Paths(cacheDir).process, 5000);

export const startS3Server = controls.start;
export const stopS3Server = controls.stop;
export const s3ServerStatus = controls.status;
