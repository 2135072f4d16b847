import { createHash } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * initdb and postgres refuse to run as root, so as root they run as the user `postgres`, which
 * must be able to reach its binaries and its data. A checkout in a private folder (root's home,
 * a `mktemp -d` folder: mode 700) is out of its reach; what it needs then goes to a folder of
 * its own in the temp dir, one per checkout, reused from run to run.
 */

/** True when we are root, so PostgreSQL runs as the user `postgres`. */
export function runsAsOtherUser(): boolean {
  return process.getuid?.() === 0;
}

/** True when every existing folder on the way to `path` lets other users through (o+x). */
export function reachableByOthers(path: string): boolean {
  for (let d = path; ; d = dirname(d)) {
    if (existsSync(d) && (statSync(d).mode & 0o001) === 0) return false;
    if (dirname(d) === d) return true;
  }
}

/** The temp folder the user `postgres` can reach: $TMPDIR if others may enter it, else /tmp. */
function sharedTempDir(): string {
  const candidate = tmpdir();
  return reachableByOthers(candidate) ? candidate : '/tmp';
}

/** The folder in the temp dir that holds what the user `postgres` needs for the cache dir `home`. */
export function reachableRunDir(home: string): string {
  const id = createHash('sha256').update(home).digest('hex').slice(0, 12);
  return join(sharedTempDir(), `cassflow-postgres-${id}`);
}

/**
 * Creates `dir` (mode 755) or checks the one there: it must be a real folder owned by us, so that
 * nobody else can have planted it (the temp dir is shared and the name is predictable).
 */
export function ensureOwnFolder(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const found = lstatSync(dir);
  if (!found.isDirectory() || found.uid !== process.getuid?.()) {
    throw new Error(`${dir} is not a folder of this user's: remove it and start again`);
  }
  chmodSync(dir, 0o755);
}
