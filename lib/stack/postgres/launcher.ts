/**
 * The local PostgreSQL's background process, run by `cassflow local up` (never imported).
 * Initialises the data dir once, runs postgres on the loopback address, creates the database,
 * then stays up with postgres as its child. As root, initdb and postgres run as the user
 * `postgres`, from binaries and data that user can reach (see reach.ts). On SIGTERM
 * (`cassflow local down`) it asks postgres for a fast shutdown (SIGINT), which does not wait for
 * clients to disconnect, and exits when postgres has.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { LaunchStepError, WHAT_TO_DO } from '../errors.ts';
import { packagedBinaries, reachableBinaries } from './binaries.ts';
import { exitOf, initialiseCluster, startPostgres } from './cluster.ts';
import type { PostgresLaunch } from './launch.ts';
import { ensureOwnFolder, runsAsOtherUser } from './reach.ts';
import { ensureServerUser } from './server-user.ts';

const launch = JSON.parse(process.env.CASSFLOW_POSTGRES_LAUNCH ?? '{}') as PostgresLaunch;
let server: ChildProcess | undefined;

process.on('SIGTERM', () => {
  if (server) server.kill('SIGINT');
  else process.exit(0);
});

function client(database: string): pg.Client {
  const { host, port, user, password } = launch;
  const connection = new pg.Client({ host, port, user, password, database });
  connection.on('error', () => undefined);
  return connection;
}

async function untilAcceptingConnections(): Promise<void> {
  for (;;) {
    const probe = client('postgres');
    try {
      await probe.connect();
      return;
    } catch {
      await sleep(200);
    } finally {
      await probe.end().catch(() => undefined);
    }
  }
}

async function ensureDatabase(): Promise<void> {
  const connection = client('postgres');
  await connection.connect();
  try {
    const found = await connection.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      launch.database,
    ]);
    if (found.rowCount === 0) {
      await connection.query(`CREATE DATABASE ${connection.escapeIdentifier(launch.database)}`);
      console.log(`cassflow: created database ${launch.database}`);
    }
  } finally {
    await connection.end();
  }
}

function whatToDo(error: unknown): string {
  if (error instanceof LaunchStepError) return error.fix;
  const { code, path } = error as NodeJS.ErrnoException;
  if (code === 'EACCES') {
    return `the server's user cannot reach ${path}: let others through every folder on the way (chmod o+x), or move the checkout`;
  }
  return (
    'read why above, fix that and run `cassflow local up` again; `cassflow local up --fresh` ' +
    `creates the data dir (${launch.dataDir}) anew`
  );
}

try {
  const user = runsAsOtherUser() ? ensureServerUser() : undefined;
  const binaries = user ? reachableBinaries(packagedBinaries(), launch.runDir) : packagedBinaries();
  if (dirname(launch.dataDir) === launch.runDir) ensureOwnFolder(launch.runDir);
  // The marker is written only after initdb succeeded, so an interrupted one starts over.
  if (!existsSync(launch.initialisedMarker)) {
    await initialiseCluster(launch, binaries, user);
    writeFileSync(launch.initialisedMarker, `${new Date().toISOString()}\n`);
  }
  server = startPostgres(launch, binaries, user);
  const exited = exitOf(server);
  await Promise.race([
    untilAcceptingConnections(),
    exited.then((code) => {
      throw new Error(`postgres exited with code ${code} while starting; its output is above`);
    }),
  ]);
  await ensureDatabase();
  console.log(`cassflow: PostgreSQL ready on ${launch.host}:${launch.port}`);
  process.exit((await exited) ?? 0);
} catch (error) {
  console.error(`cassflow: PostgreSQL did not start: ${(error as Error)?.message ?? error}`);
  console.error(`${WHAT_TO_DO}${whatToDo(error)}`);
  if (server?.kill('SIGINT')) await Promise.race([exitOf(server), sleep(10_000)]);
  process.exit(1);
}
