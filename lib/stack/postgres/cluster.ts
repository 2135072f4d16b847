import { type ChildProcess, spawn } from 'node:child_process';
import { chownSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PostgresBinaries } from './binaries.ts';
import type { PostgresLaunch } from './launch.ts';
import type { ServerUser } from './server-user.ts';

/** Server messages in plain English whatever the machine's locale; the data is UTF-8. */
const ENV = { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' };

function ids(user: ServerUser | undefined) {
  return user ? { uid: user.uid, gid: user.gid } : {};
}

/** A new, empty data dir with the configured superuser and password (runs initdb). */
export async function initialiseCluster(
  launch: PostgresLaunch,
  binaries: PostgresBinaries,
  user: ServerUser | undefined,
): Promise<void> {
  rmSync(launch.dataDir, { recursive: true, force: true });
  mkdirSync(launch.dataDir, { recursive: true, mode: 0o700 });
  // The password reaches initdb in a file only the server's user can read, removed right after.
  const passwordFile = join(dirname(launch.dataDir), 'initdb-password');
  rmSync(passwordFile, { force: true });
  writeFileSync(passwordFile, `${launch.password}\n`, { mode: 0o600 });
  if (user) {
    chownSync(launch.dataDir, user.uid, user.gid);
    chownSync(passwordFile, user.uid, user.gid);
  }
  try {
    const initdb = spawn(
      join(binaries.root, 'bin', 'initdb'),
      [
        `--pgdata=${launch.dataDir}`,
        '--auth=scram-sha-256',
        `--username=${launch.user}`,
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        '--locale=C',
      ],
      { ...ids(user), env: ENV, stdio: ['ignore', 'inherit', 'inherit'] },
    );
    const code = await exitOf(initdb);
    if (code !== 0) throw new Error(`initdb failed (exit code ${code}); its output is above`);
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

/** Starts postgres on the data dir; its output goes to ours (the log). */
export function startPostgres(
  launch: PostgresLaunch,
  binaries: PostgresBinaries,
  user: ServerUser | undefined,
): ChildProcess {
  return spawn(
    join(binaries.root, 'bin', 'postgres'),
    [
      ...['-D', launch.dataDir, '-p', String(launch.port)],
      ...['-c', `listen_addresses=${launch.host}`],
      // Writable by the server's user whoever runs cassflow.
      ...['-c', 'unix_socket_directories=/tmp'],
      // A throwaway test server: durability traded for speed.
      ...['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    ],
    { ...ids(user), env: ENV, stdio: ['ignore', 'inherit', 'inherit'] },
  );
}

/** The exit code (null when killed by a signal); rejects when the program could not be run. */
export function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
}
