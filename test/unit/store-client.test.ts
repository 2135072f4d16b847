import { X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import cassandra from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '#lib/config/config';
import { cassandraClientOptions } from '#lib/store/client';
import { KeyspacesRetryPolicy } from '#lib/store/keyspaces-retry-policy';
import { keyspacesTrustedRoots } from '#lib/store/keyspaces-trust';
import {
  CassandraSession,
  type CqlClient,
  isConnectionFailure,
  sessionOptions,
} from '#lib/store/session';
import { SigV4AuthProvider } from '#lib/store/sigv4/auth-provider';

const { consistencies } = cassandra.types;

describe('cassandraClientOptions', () => {
  it('connects to a self-managed cluster with plain-text auth, TLS off by default', () => {
    const config = resolveConfig({ CASSANDRA_USERNAME: 'app', CASSANDRA_PASSWORD: 'pw' });
    const options = cassandraClientOptions(config.cassandra);
    expect(options).toMatchObject({
      contactPoints: ['127.0.0.1'],
      localDataCenter: 'datacenter1',
      protocolOptions: { port: 9042 },
      credentials: { username: 'app', password: 'pw' },
      queryOptions: {
        prepare: true,
        consistency: consistencies.localQuorum,
        serialConsistency: consistencies.localSerial,
      },
      encoding: { useBigIntAsLong: true, useBigIntAsVarint: true },
    });
    expect(options.sslOptions).toBeUndefined();
    expect(options.authProvider).toBeUndefined();
  });

  it('turns TLS on for a self-managed cluster when asked', () => {
    const config = resolveConfig({ CASSANDRA_TLS: 'true', CASSANDRA_TLS_VERIFY: 'false' });
    expect(cassandraClientOptions(config.cassandra).sslOptions).toEqual({
      rejectUnauthorized: false,
    });
  });

  it('connects to Amazon Keyspaces over TLS on 9142 with SigV4 and the Keyspaces retry policy', () => {
    const config = resolveConfig({ CASSFLOW_STORE: 'keyspaces', AWS_REGION: 'eu-west-1' });
    const options = cassandraClientOptions(config.cassandra, {
      credentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }),
    });
    expect(options).toMatchObject({
      contactPoints: ['cassandra.eu-west-1.amazonaws.com'],
      localDataCenter: 'eu-west-1',
      protocolOptions: { port: 9142 },
      queryOptions: { consistency: consistencies.localQuorum },
      sslOptions: {
        host: 'cassandra.eu-west-1.amazonaws.com',
        servername: 'cassandra.eu-west-1.amazonaws.com',
        rejectUnauthorized: true,
      },
    });
    // Keyspaces refuses SERIAL/LOCAL_SERIAL reads: the default read level must not be serial.
    expect(options.queryOptions?.consistency).not.toBe(consistencies.serial);
    expect(options.authProvider).toBeInstanceOf(SigV4AuthProvider);
    expect(options.policies?.retry).toBeInstanceOf(KeyspacesRetryPolicy);
    // Round robin over the endpoint's peers, as AWS advises; never token-aware routing.
    expect(options.policies?.loadBalancing).toBeInstanceOf(
      cassandra.policies.loadBalancing.DCAwareRoundRobinPolicy,
    );
    expect(options.policies?.loadBalancing).not.toBeInstanceOf(
      cassandra.policies.loadBalancing.TokenAwarePolicy,
    );
    expect(options.sslOptions?.ca).toHaveLength(5);
  });
});

describe('CASSANDRA_TLS_CA_FILE', () => {
  const keyspaces = (file: string) =>
    resolveConfig({
      CASSFLOW_STORE: 'keyspaces',
      AWS_REGION: 'eu-west-1',
      CASSANDRA_TLS_CA_FILE: file,
    }).cassandra;
  const credentials = async () => ({ accessKeyId: 'a', secretAccessKey: 'b' });

  it('adds its roots to the Amazon roots Keyspaces is trusted with', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cassflow-ca-'));
    const [extra] = keyspacesTrustedRoots();
    const file = join(dir, 'starfield-class-2.pem');
    writeFileSync(file, extra ?? '');
    const ca = cassandraClientOptions(keyspaces(file), { credentials }).sslOptions?.ca;
    expect(ca).toHaveLength(6);
    expect(ca?.at(-1)).toBe(extra);
  });

  it('that cannot be read fails with the setting, the path and what to do', () => {
    expect(() => cassandraClientOptions(keyspaces('/nowhere/roots.pem'), { credentials })).toThrow(
      'CASSANDRA_TLS_CA_FILE: cannot read /nowhere/roots.pem (ENOENT): point it at a readable PEM file',
    );
  });
});

describe('sessionOptions', () => {
  it('batches conditions, deletes ranges, reads serially and takes write timestamps on Cassandra, never on Keyspaces', () => {
    // Prepare
    const cassandraConfig = resolveConfig({}).cassandra;
    const keyspaces = resolveConfig({ CASSFLOW_STORE: 'keyspaces', AWS_REGION: 'eu-west-1' });

    // Assess
    expect(sessionOptions(cassandraConfig)).toEqual({
      conditionalBatches: true,
      rangeDeletes: true,
      serialReads: true,
      clientTimestamps: true,
    });
    expect(sessionOptions(keyspaces.cassandra)).toEqual({
      conditionalBatches: false,
      rangeDeletes: false,
      serialReads: false,
      clientTimestamps: false,
    });
  });
});

describe('keyspacesTrustedRoots', () => {
  it('holds Amazon Root CA 1-4 and the Starfield Services G2 root', () => {
    const names = keyspacesTrustedRoots()
      .map((pem) => /CN=(.+)/.exec(new X509Certificate(pem).subject)?.[1])
      .sort();
    expect(names).toEqual([
      'Amazon Root CA 1',
      'Amazon Root CA 2',
      'Amazon Root CA 3',
      'Amazon Root CA 4',
      'Starfield Services Root Certificate Authority - G2',
    ]);
  });
});

describe('KeyspacesRetryPolicy', () => {
  const policy = new KeyspacesRetryPolicy(2);
  const info = (nbRetry: number, idempotent: boolean) =>
    ({ query: 'q', nbRetry, executionOptions: { isIdempotent: () => idempotent } }) as never;
  // The driver's decision codes (lib/policies/retry.js; missing from its typings).
  const { retry, rethrow } = { rethrow: 0, retry: 1 };

  it.each([
    [
      'write timeout',
      (n: number, i: boolean) =>
        policy.onWriteTimeout(info(n, i), consistencies.localQuorum, 0, 2, 'CAS'),
    ],
    [
      'read timeout',
      (n: number, i: boolean) =>
        policy.onReadTimeout(info(n, i), consistencies.localQuorum, 0, 2, false),
    ],
    [
      'unavailable',
      (n: number, i: boolean) =>
        policy.onUnavailable(info(n, i), consistencies.localQuorum, 2, false),
    ],
  ])('retries an idempotent statement on %s on the same host, up to the bound', (_, decide) => {
    expect(decide(0, true)).toMatchObject({ decision: retry, useCurrentHost: true });
    expect(decide(1, true)).toMatchObject({ decision: retry });
    expect(decide(2, true)).toMatchObject({ decision: rethrow });
    expect(decide(0, false)).toMatchObject({ decision: rethrow });
  });
});

describe('CassandraSession', () => {
  function flakyClient(failures: unknown[]) {
    const calls: unknown[][] = [];
    const client: CqlClient = {
      execute: (async (...args: unknown[]) => {
        calls.push(args);
        const failure = failures.shift();
        if (failure) throw failure;
        return { rows: [] } as unknown as cassandra.types.ResultSet;
      }) as CqlClient['execute'],
      batch: (async () => ({ rows: [] })) as unknown as CqlClient['batch'],
      shutdown: async () => {},
    };
    return { client, calls };
  }
  const deadConnection = () => new cassandra.errors.NoHostAvailableError({});

  it('retries an idempotent statement once after a dead connection (Lambda thaw)', async () => {
    // Prepare
    const { client, calls } = flakyClient([deadConnection()]);
    const session = new CassandraSession(client, 'ks', { reconnectDelayMs: 1 });

    // Act
    const result = await session.execute('SELECT 1', [], { idempotent: true });

    // Assess
    expect(result.rows).toEqual([]);
    expect(calls).toHaveLength(2);
    expect(calls[0]?.[2]).toMatchObject({ prepare: true, isIdempotent: true });
  });

  it('does not re-send a statement that is not idempotent', async () => {
    const { client, calls } = flakyClient([deadConnection()]);
    const session = new CassandraSession(client, 'ks', { reconnectDelayMs: 1 });
    await expect(session.execute('UPDATE t SET n = n + 1')).rejects.toBeInstanceOf(
      cassandra.errors.NoHostAvailableError,
    );
    expect(calls).toHaveLength(1);
  });

  it('does not retry statement errors, and gives up after one retry', async () => {
    const syntax = flakyClient([
      new cassandra.errors.ResponseError(0x2000, 'line 1: syntax error'),
    ]);
    await expect(
      new CassandraSession(syntax.client, 'ks', { reconnectDelayMs: 1 }).execute('SELEC', [], {
        idempotent: true,
      }),
    ).rejects.toThrow(/syntax error/);
    expect(syntax.calls).toHaveLength(1);

    const dead = flakyClient([deadConnection(), deadConnection()]);
    await expect(
      new CassandraSession(dead.client, 'ks', { reconnectDelayMs: 1 }).execute('SELECT 1', [], {
        idempotent: true,
      }),
    ).rejects.toThrow();
    expect(dead.calls).toHaveLength(2);
  });

  it.each([
    [new cassandra.errors.OperationTimedOutError('timed out'), true],
    [Object.assign(new Error('reset'), { code: 'ECONNRESET' }), true],
    [Object.assign(new Error('pipe'), { code: 'EPIPE' }), true],
    [new cassandra.errors.ResponseError(0x2200, 'invalid'), false],
    [new Error('plain'), false],
  ])('classifies %s as connection failure: %s', (error, expected) => {
    expect(isConnectionFailure(error)).toBe(expected);
  });

  it('qualifies table names with its keyspace', () => {
    expect(new CassandraSession(flakyClient([]).client, 'app').table('dead_letters')).toBe(
      'app.dead_letters',
    );
  });
});
