import { spawnSync } from 'node:child_process';
import { LaunchStepError } from '../errors.ts';

/** The user PostgreSQL runs as when we are root. */
export type ServerUser = { name: string; uid: number; gid: number };

const NAME = 'postgres';

/**
 * The system user `postgres`, created the first time (no home, no login shell) and reused after
 * that: initdb and postgres refuse to run as root.
 */
export function ensureServerUser(): ServerUser {
  const found = lookUp(NAME);
  if (found) return found;
  // A group of that name without the user (left by a removed package) is joined, not recreated.
  const group = spawnSync('getent', ['group', NAME]).status === 0 ? ['-g', NAME] : ['-U'];
  const created = spawnSync(
    'useradd',
    ['-r', ...group, '-M', '-d', '/nonexistent', '-s', '/usr/sbin/nologin', NAME],
    { encoding: 'utf8' },
  );
  const user = lookUp(NAME);
  if (user) return user;
  throw new LaunchStepError(
    `PostgreSQL cannot run as root and there is no user '${NAME}' to run it as; creating one ` +
      `failed: ${(created.stderr || created.error?.message || '').trim()}`,
    `create the system user '${NAME}' (useradd -r -U ${NAME}), or run cassflow as a user other ` +
      'than root, or set CASSFLOW_POSTGRES_URL to a PostgreSQL running elsewhere',
  );
}

function lookUp(name: string): ServerUser | undefined {
  const id = (flag: string) => {
    const run = spawnSync('id', [flag, name], { encoding: 'utf8' });
    return run.status === 0 ? Number(run.stdout.trim()) : Number.NaN;
  };
  const uid = id('-u');
  const gid = id('-g');
  return Number.isInteger(uid) && Number.isInteger(gid) ? { name, uid, gid } : undefined;
}
