import { describe, expect, it } from 'vitest';
import { resolveConfig } from '#lib/config/config';
import { ConfigError } from '#lib/config/errors';

describe('resolveConfig: the sync targets', () => {
  it('targets the local S3, DynamoDB and PostgreSQL servers when nothing is set', () => {
    // Act
    const config = resolveConfig({});

    // Assess
    expect(config.s3).toEqual({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:4569',
      useDummyCredentials: true,
    });
    expect(config.dynamodb).toEqual({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:8000',
      useDummyCredentials: true,
    });
    expect(config.postgres).toEqual({
      url: 'postgres://cassflow:cassflow@127.0.0.1:55432/cassflow',
    });
    expect(config.local.s3).toEqual({ managed: true, host: '127.0.0.1', port: 4569 });
    expect(config.local.dynamodb).toEqual({ managed: true, host: '127.0.0.1', port: 8000 });
    expect(config.local.postgres).toEqual({
      managed: true,
      host: '127.0.0.1',
      port: 55432,
      user: 'cassflow',
      password: 'cassflow',
      database: 'cassflow',
    });
  });

  it('targets AWS S3 and DynamoDB and no PostgreSQL inside Lambda', () => {
    const config = resolveConfig({ AWS_LAMBDA_FUNCTION_NAME: 'sync', AWS_REGION: 'eu-west-1' });

    expect(config.s3).toEqual({ region: 'eu-west-1', useDummyCredentials: false });
    expect(config.dynamodb).toEqual({ region: 'eu-west-1', useDummyCredentials: false });
    expect(config.postgres).toEqual({});
    expect(config.local.s3.managed).toBe(false);
    expect(config.local.dynamodb.managed).toBe(false);
    expect(config.local.postgres.managed).toBe(false);
  });

  it('takes the service variable first, then AWS_ENDPOINT_URL', () => {
    const config = resolveConfig({
      AWS_ENDPOINT_URL: 'http://localhost:4566/',
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:14569',
    });
    expect(config.s3.endpoint).toBe('http://127.0.0.1:14569');
    expect(config.local.s3).toEqual({ managed: true, host: '127.0.0.1', port: 14569 });
    // LocalStack on localhost: managed, so `local up` finds it there and uses it as it is.
    expect(config.dynamodb.endpoint).toBe('http://localhost:4566');
    expect(config.local.dynamodb).toEqual({ managed: true, host: '127.0.0.1', port: 4566 });
  });

  it('leaves remote and https endpoints unmanaged', () => {
    const config = resolveConfig({
      AWS_ENDPOINT_URL_S3: 'https://s3.example.com',
      AWS_ENDPOINT_URL_DYNAMODB: 'https://127.0.0.1:8443',
      CASSFLOW_POSTGRES_URL: 'postgres://app:pw@db.internal/sales',
      AWS_ACCESS_KEY_ID: 'AKIA',
    });
    expect(config.local.s3).toMatchObject({ managed: false, port: 443 });
    expect(config.local.dynamodb).toMatchObject({ managed: false, port: 8443 });
    expect(config.local.postgres).toMatchObject({ managed: false, port: 5432 });
    expect(config.s3.useDummyCredentials).toBe(false);
    expect(config.dynamodb.useDummyCredentials).toBe(false);
  });

  it('signs with the emulator key pair for a server on this machine, whatever else is set', () => {
    // s3rver refuses every access key but its own, so the developer's credentials would fail.
    const config = resolveConfig({ AWS_PROFILE: 'dev' });
    expect(config.s3.useDummyCredentials).toBe(true);
    expect(config.dynamodb.useDummyCredentials).toBe(true);
    expect(config.kinesis.useDummyCredentials).toBe(false);
  });

  it('runs the local PostgreSQL as the user, password, database and port of the URL', () => {
    const config = resolveConfig({
      CASSFLOW_POSTGRES_URL: 'postgresql://sync%40me:p%2Fw@localhost:15432/target_db',
    });
    expect(config.postgres.url).toBe('postgresql://sync%40me:p%2Fw@localhost:15432/target_db');
    expect(config.local.postgres).toEqual({
      managed: true,
      host: '127.0.0.1',
      port: 15432,
      user: 'sync@me',
      password: 'p/w',
      database: 'target_db',
    });
  });

  it.each([
    [{ AWS_ENDPOINT_URL_S3: 'ftp://127.0.0.1:4569' }, 'AWS_ENDPOINT_URL_S3', /http or https/],
    [{ AWS_ENDPOINT_URL_DYNAMODB: 'nope' }, 'AWS_ENDPOINT_URL_DYNAMODB', /must be a URL/],
    [{ CASSFLOW_POSTGRES_URL: 'mysql://a:b@127.0.0.1/db' }, 'CASSFLOW_POSTGRES_URL', /postgres/],
    [{ CASSFLOW_POSTGRES_URL: 'not a url' }, 'CASSFLOW_POSTGRES_URL', /postgres/],
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

  it('never repeats a PostgreSQL URL it refuses, as it may hold a password', () => {
    expect(() => resolveConfig({ CASSFLOW_POSTGRES_URL: 'mysql://u:secret@h/db' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('secret') }),
    );
  });
});
