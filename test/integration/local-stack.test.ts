import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '#lib/config/config';
import { cassandraPaths, startLocalCassandra } from '#lib/stack/cassandra/node';
import { PortInUseError, ServerStartError } from '#lib/stack/errors';
import { startKinesisEmulator } from '#lib/stack/kinesis/emulator';
import { findRunningPid, isAlive } from '#lib/stack/managed-process';
import { localDown, localStatus, localUp, STACK_SERVICES } from '#lib/stack/stack';
import { freePort } from '../helpers/free-port.ts';

const shared = resolveConfig(process.env);
const servers: { server: Server; sockets: Set<Socket> }[] = [];

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(({ server, sockets }) => {
      const closed = new Promise((r) => server.close(r));
      for (const socket of sockets) socket.destroy();
      return closed;
    }),
  );
});

/** Occupies a port the way a stray process would: accepts connections and never answers. */
async function occupy(port: number): Promise<void> {
  const server = createServer();
  // close() waits for open connections, so they are tracked and destroyed in afterEach.
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => sockets.add(socket));
  servers.push({ server, sockets });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
}

/** The node of the run's store flavor: 9042 for Cassandra, 9043 as Keyspaces. */
const cassandraEndpoint = `127.0.0.1:${shared.local.cassandra.nativePort}`;
const nodeDir = shared.local.cassandra.dir;

/** A cache dir of its own that reuses the jars already fetched for the shared node. */
function isolatedCacheDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cassflow-cache-'));
  mkdirSync(join(dir, 'cassandra'), { recursive: true });
  symlinkSync(cassandraPaths(shared.local.cacheDir).lib, cassandraPaths(dir).lib);
  return dir;
}

describe('local stack', () => {
  it('finds the running servers instead of starting them twice', async () => {
    const report: string[] = [];
    const again = await localUp(shared, process.env, (l) => report.push(l));
    for (const name of STACK_SERVICES) expect(again[name].state).toBe('already-running');
    expect(report.filter((l) => l.startsWith('Starting') || l.includes(' ready on '))).toEqual([]);
    const status = await localStatus(shared);
    expect(status.cassandra).toMatchObject({ state: 'running', endpoint: cassandraEndpoint });
    expect(status.cassandra.detail).toMatch(/^Cassandra 5\.0\.\d+$/);
    for (const name of STACK_SERVICES) expect(status[name].state).toBe('running');
  });

  it('uses servers it did not start (Docker, LocalStack), and never stops them', async () => {
    // Prepare: another cache dir has no pid files, so the shared servers are not "ours" there.
    const config = resolveConfig({ ...process.env, CASSFLOW_CACHE_DIR: isolatedCacheDir() });

    // Act
    const stack = await localUp(config, process.env, () => {});
    const down = await localDown(config);

    // Assess
    expect(stack.cassandra).toMatchObject({ state: 'foreign', endpoint: cassandraEndpoint });
    expect(stack.cassandra.detail).toMatch(/not started by cassflow; using it/);
    for (const name of STACK_SERVICES) expect(stack[name].state).toBe('foreign');
    expect(stack.postgres.detail).toBe('a PostgreSQL not started by cassflow; using it');
    expect(down.cassandra).toEqual({ state: 'stopped' });
    expect(down.postgres).toEqual({ state: 'stopped' });
    const status = await localStatus(shared);
    for (const name of STACK_SERVICES) expect(status[name].state).toBe('running');
  });

  it('refuses to start Cassandra on a taken port, naming the address', async () => {
    const port = await freePort();
    await occupy(port);
    const config = resolveConfig({
      ...process.env,
      CASSANDRA_PORT: String(port),
      CASSFLOW_CACHE_DIR: isolatedCacheDir(),
    });
    const starting = startLocalCassandra(config, process.env, () => {});
    await expect(starting).rejects.toBeInstanceOf(PortInUseError);
    await expect(startLocalCassandra(config, process.env, () => {})).rejects.toThrow(
      `127.0.0.1:${port} is already in use`,
    );
  });

  it('refuses to start the Kinesis emulator on a taken port, naming the variable to change', async () => {
    const port = await freePort();
    await occupy(port);
    const config = resolveConfig({
      ...process.env,
      AWS_ENDPOINT_URL_KINESIS: `http://127.0.0.1:${port}`,
      CASSFLOW_CACHE_DIR: isolatedCacheDir(),
    });
    await expect(startKinesisEmulator(config, process.env, () => {})).rejects.toThrow(
      /127\.0\.0\.1:\d+ is already in use.*CASSFLOW_KINESIS_PORT/,
    );
  });

  it('stops a Cassandra that is not ready in time and shows the end of its log', async () => {
    // Prepare: a second node on free ports with a 1-second start budget it cannot meet.
    const cacheDir = isolatedCacheDir();
    const config = resolveConfig({
      ...process.env,
      CASSANDRA_PORT: String(await freePort()),
      CASSFLOW_CASSANDRA_STORAGE_PORT: String(await freePort()),
      CASSFLOW_CASSANDRA_START_TIMEOUT: '1',
      CASSFLOW_CACHE_DIR: cacheDir,
      CASSFLOW_CASSANDRA_HEAP: '256M',
    });

    // Act
    let caught: unknown;
    try {
      await startLocalCassandra(config, process.env, () => {});
    } catch (error) {
      caught = error;
    }

    // Assess
    expect(caught).toBeInstanceOf(ServerStartError);
    const error = caught as ServerStartError;
    expect(error.message).toMatch(
      /did not answer CQL on 127\.0\.0\.1:\d+ within 1 s \(stopped it\)/,
    );
    expect(error.message).toContain(join(cacheDir, nodeDir, 'logs', 'cassandra.log'));
    expect(error.fix).toMatch(/raise CASSFLOW_CASSANDRA_START_TIMEOUT \(now 1 s\)/);
    expect(error.message.split('\n')[1]).toBe(`What to do: ${error.fix}`);
    // The tail is this start's own log: it leads with the line that marks the start, however
    // much the node wrote in its second.
    expect(error.logTail.split('\n')[0]).toMatch(/^--- cassflow started Cassandra at /);
    const proc = cassandraPaths(cacheDir, nodeDir).process;
    expect(findRunningPid(proc)).toBeUndefined();
  });

  it('reports the local stack through the cassflow command', () => {
    const run = spawnSync(process.execPath, ['bin/cassflow.js', 'local', 'status'], {
      encoding: 'utf8',
      env: process.env,
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`Cassandra : running at ${cassandraEndpoint} (pid `);
    expect(run.stdout).toMatch(/Kinesis {3}: running at http:\/\/127\.0\.0\.1:4568/);
    expect(run.stdout).toMatch(/S3 {8}: running at http:\/\/127\.0\.0\.1:4569/);
    expect(run.stdout).toMatch(/DynamoDB {2}: running at http:\/\/127\.0\.0\.1:8000/);
    expect(run.stdout).toMatch(
      /PostgreSQL: running at postgres:\/\/cassflow@127\.0\.0\.1:55432\/cassflow/,
    );
    const pid = Number(/pid (\d+)/.exec(run.stdout)?.[1]);
    expect(isAlive(pid)).toBe(true);
  });
});
