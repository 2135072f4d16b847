import { describe, expect, it } from 'vitest';
import { isLoopback, resolveConfig, splitHostPort } from '#lib/config/config';
import { ConfigError } from '#lib/config/errors';

describe('resolveConfig', () => {
  it('targets the local stack when nothing is set', () => {
    // Act
    const config = resolveConfig({});

    // Assess
    expect(config.mode).toBe('local');
    expect(config.region).toBe('us-east-1');
    expect(config.cassandra).toMatchObject({
      kind: 'cassandra',
      contactPoints: ['127.0.0.1'],
      port: 9042,
      localDataCenter: 'datacenter1',
      keyspace: 'cassflow',
      replicationFactor: 1,
    });
    expect(config.cassandra).not.toHaveProperty('tls');
    expect(config.kinesis).toEqual({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:4568',
      useDummyCredentials: true,
    });
    expect(config.local.cassandra).toMatchObject({
      managed: true,
      host: '127.0.0.1',
      nativePort: 9042,
    });
    expect(config.local.kinesis).toMatchObject({ managed: true, port: 4568, tlsPort: 4567 });
  });

  it('targets Amazon Keyspaces and AWS Kinesis inside Lambda', () => {
    const config = resolveConfig({ AWS_LAMBDA_FUNCTION_NAME: 'agg', AWS_REGION: 'eu-west-1' });

    expect(config.mode).toBe('aws');
    expect(config.cassandra).toEqual({
      kind: 'keyspaces',
      region: 'eu-west-1',
      contactPoints: ['cassandra.eu-west-1.amazonaws.com'],
      port: 9142,
      localDataCenter: 'eu-west-1',
      keyspace: 'cassflow',
    });
    expect(config.kinesis).toEqual({ region: 'eu-west-1', useDummyCredentials: false });
    expect(config.local.cassandra.managed).toBe(false);
    expect(config.local.kinesis.managed).toBe(false);
  });

  it('requires a region in aws mode', () => {
    expect(() => resolveConfig({ CASSFLOW_MODE: 'aws' })).toThrow(/AWS_REGION: must be set/);
  });

  it('takes endpoint overrides from the standard AWS variables, the service one first', () => {
    const config = resolveConfig({
      AWS_ENDPOINT_URL: 'http://localhost:4566/',
      AWS_ENDPOINT_URL_KINESIS: 'http://127.0.0.1:14568',
    });
    expect(config.kinesis.endpoint).toBe('http://127.0.0.1:14568');
    expect(config.local.kinesis).toMatchObject({ managed: true, port: 14568 });

    const generic = resolveConfig({ AWS_ENDPOINT_URL: 'http://localhost:4566/' });
    expect(generic.kinesis.endpoint).toBe('http://localhost:4566');
  });

  it('leaves a remote Cassandra and Kinesis unmanaged', () => {
    const config = resolveConfig({
      CASSANDRA_CONTACT_POINTS: '10.0.0.5, 10.0.0.6:9043',
      CASSANDRA_USERNAME: 'app',
      CASSANDRA_PASSWORD: 'secret',
      CASSANDRA_TLS_CA_FILE: '/etc/ca.pem',
      AWS_ENDPOINT_URL_KINESIS: 'https://kinesis.example.com',
      AWS_ACCESS_KEY_ID: 'AKIA',
    });
    expect(config.cassandra).toMatchObject({
      contactPoints: ['10.0.0.5', '10.0.0.6:9043'],
      auth: { username: 'app', password: 'secret' },
      tls: { caFile: '/etc/ca.pem', rejectUnauthorized: true },
    });
    expect(config.local.cassandra.managed).toBe(false);
    expect(config.local.kinesis.managed).toBe(false);
    expect(config.kinesis.useDummyCredentials).toBe(false);
  });

  it('runs the local node on the port of a loopback contact point', () => {
    const config = resolveConfig({ CASSANDRA_CONTACT_POINTS: 'localhost:19042' });
    expect(config.local.cassandra).toMatchObject({
      managed: true,
      host: '127.0.0.1',
      nativePort: 19042,
    });
  });

  it.each([
    [{ CASSANDRA_PORT: 'abc' }, 'CASSANDRA_PORT', /port number/],
    [{ CASSANDRA_PORT: '70000' }, 'CASSANDRA_PORT', /port number/],
    [{ CASSFLOW_MODE: 'cloud' }, 'CASSFLOW_MODE', /one of local, aws/],
    [{ CASSFLOW_STORE: 'scylla' }, 'CASSFLOW_STORE', /one of cassandra, keyspaces/],
    [{ CASSANDRA_KEYSPACE: 'bad-name' }, 'CASSANDRA_KEYSPACE', /not a keyspace name: 'bad-name'/],
    [{ CASSANDRA_KEYSPACE: 'select' }, 'CASSANDRA_KEYSPACE', /'select' is a reserved CQL word/],
    [{ CASSANDRA_KEYSPACE: 'Analytics' }, 'CASSANDRA_KEYSPACE', /has capitals/],
    [{ CASSANDRA_USERNAME: 'app' }, 'CASSANDRA_PASSWORD', /together/],
    [{ CASSANDRA_TLS: 'maybe' }, 'CASSANDRA_TLS', /true or false/],
    [{ AWS_ENDPOINT_URL_KINESIS: 'localhost:4568' }, 'AWS_ENDPOINT_URL_KINESIS', /http or https/],
    [{ CASSFLOW_CASSANDRA_HEAP: '1TB' }, 'CASSFLOW_CASSANDRA_HEAP', /512M or 2G/],
    [{ CASSFLOW_CASSANDRA_START_TIMEOUT: 'soon' }, 'CASSFLOW_CASSANDRA_START_TIMEOUT', /duration/],
  ])('names the variable at fault: %j', (env, setting, message) => {
    let caught: unknown;
    try {
      resolveConfig(env);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).setting).toBe(setting);
    expect((caught as ConfigError).message).toMatch(message);
  });

  it('reads durations in seconds or minutes', () => {
    expect(
      resolveConfig({ CASSFLOW_CASSANDRA_START_TIMEOUT: '3m' }).local.cassandra.startTimeoutSeconds,
    ).toBe(180);
    expect(
      resolveConfig({ CASSFLOW_CASSANDRA_START_TIMEOUT: '45' }).local.cassandra.startTimeoutSeconds,
    ).toBe(45);
  });
});

describe('splitHostPort', () => {
  it.each([
    ['127.0.0.1', ['127.0.0.1', undefined]],
    ['127.0.0.1:9043', ['127.0.0.1', 9043]],
    ['db.internal:9142', ['db.internal', 9142]],
    ['::1', ['::1', undefined]],
    ['[::1]:9042', ['::1', 9042]],
  ] as const)('%s', (point, expected) => {
    expect(splitHostPort(point)).toEqual(expected);
  });
});

describe('isLoopback', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['10.0.0.1', false],
    ['cassandra.us-east-1.amazonaws.com', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopback(host)).toBe(expected);
  });
});
