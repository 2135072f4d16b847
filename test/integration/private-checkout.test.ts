import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresPaths } from '#lib/stack/postgres/launch';
import { freePort } from '../helpers/free-port.ts';
import { privateCheckout } from '../helpers/private-checkout.ts';

const asRoot = process.getuid?.() === 0;
const copy = privateCheckout(process.cwd());
const env = {
  ...process.env,
  // Everything on ports of its own, beside the shared stack; the cache stays in the checkout.
  CASSANDRA_PORT: String(await freePort()),
  CASSFLOW_CASSANDRA_STORAGE_PORT: String(await freePort()),
  CASSFLOW_CASSANDRA_HEAP: '512M',
  AWS_ENDPOINT_URL_KINESIS: `http://127.0.0.1:${await freePort()}`,
  CASSFLOW_KINESIS_TLS_PORT: String(await freePort()),
  AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${await freePort()}`,
  AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${await freePort()}`,
  CASSFLOW_POSTGRES_URL: `postgres://cassflow:cassflow@127.0.0.1:${await freePort()}/cassflow`,
};
const postgres = postgresPaths(join(copy.checkout, '.cache'));

function cassflow(...args: string[]) {
  return spawnSync(process.execPath, [join(copy.checkout, 'bin', 'cassflow.js'), ...args], {
    cwd: copy.checkout,
    encoding: 'utf8',
    env,
    // Past Cassandra's start timeout (180 s) and stop grace (60 s): a hang fails here, clearly.
    timeout: 300_000,
  });
}

afterAll(() => {
  cassflow('local', 'down');
  rmSync(copy.parent, { recursive: true, force: true });
  rmSync(postgres.runDir, { recursive: true, force: true });
});

/** The user id a process runs as, from /proc. */
function uidOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^Uid:\s+(\d+)/m);
  return Number(line?.[1]);
}

/** The pids of the postgres server processes (the postmaster and its children) of `dataDir`. */
function postgresPids(dataDir: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const [command, ...args] = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        return command?.endsWith('/bin/postgres') && args.includes(dataDir);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('the local stack from a checkout in a private (700) folder', () => {
  // A new Cassandra and an initdb beside the shared stack, then their stops: minutes on a busy CI.
  it('local up starts all five servers and local down stops them', { timeout: 900_000 }, () => {
    if (!asRoot) {
      console.log(
        'Not root: PostgreSQL runs as this user, so this checks a private folder, not the ' +
          'postgres-user path (which only root takes).',
      );
    }
    expect(statSync(copy.parent).mode & 0o777).toBe(0o700);

    const up = cassflow('local', 'up');
    const status = cassflow('local', 'status');
    const serverUids = postgresPids(postgres.data).map(uidOf);
    const down = cassflow('local', 'down');
    const after = cassflow('local', 'status');

    expect(up.status, `${up.stdout}\n${up.stderr}`).toBe(0);
    for (const name of ['Cassandra ', 'Kinesis   ', 'S3        ', 'DynamoDB  ', 'PostgreSQL']) {
      expect(up.stdout).toMatch(new RegExp(`${name}: started at \\S+ \\(pid \\d+\\) in`));
    }
    // `local status` asks each server a question and says running only when it answered.
    expect(status.status, status.stdout).toBe(0);
    expect(status.stdout.match(/: running at /g)).toHaveLength(5);
    expect(serverUids.length).toBeGreaterThan(0);
    const expectedUid = asRoot
      ? Number(spawnSync('id', ['-u', 'postgres']).stdout)
      : process.getuid?.();
    expect(new Set(serverUids)).toEqual(new Set([expectedUid]));
    expect(down.status, down.stderr).toBe(0);
    expect(after.status).toBe(3);
    expect(after.stdout.match(/: stopped/g)).toHaveLength(5);
  });
});
