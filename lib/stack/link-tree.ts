import {
  copyFileSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  symlinkSync,
} from 'node:fs';
import { join } from 'node:path';

/**
 * Recreates the file tree at `from` under `to` (which must not exist): folders anew, symbolic
 * links as they are, files as hard links, or copies (with their mode) across file systems. Cheap
 * for large trees of files nobody writes to, such as binaries and jars.
 */
export function linkTree(from: string, to: string): void {
  const found = lstatSync(from);
  if (found.isSymbolicLink()) {
    symlinkSync(readlinkSync(from), to);
  } else if (found.isDirectory()) {
    mkdirSync(to, { mode: found.mode & 0o7777 });
    for (const entry of readdirSync(from)) linkTree(join(from, entry), join(to, entry));
  } else {
    try {
      linkSync(from, to);
    } catch {
      copyFileSync(from, to);
    }
  }
}
