import { describe, expect, it } from 'vitest';
import { resolveConfig } from '#lib/config/config';
import { ConfigError } from '#lib/config/errors';
import {
  createDynamoDbClient,
  createPostgresPool,
  createS3Client,
  EMULATOR_CREDENTIALS,
} from '#lib/sync/targets/clients';

describe('sync target clients', () => {
  it('addresses the local S3 server by path, with its key pair', async () => {
    // Prepare
    const config = resolveConfig({});

    // Act
    const s3 = createS3Client(config.s3);

    // Assess
    expect(s3.config.forcePathStyle).toBe(true);
    expect(await s3.config.credentials()).toMatchObject(EMULATOR_CREDENTIALS);
    const endpoint = await s3.config.endpoint?.();
    expect(endpoint?.hostname).toBe('127.0.0.1');
    expect(endpoint?.port).toBe(4569);
    s3.destroy();
  });

  it('uses virtual-host buckets and the default credential chain on AWS', async () => {
    const config = resolveConfig({ CASSFLOW_MODE: 'aws', AWS_REGION: 'eu-west-1' });
    const s3 = createS3Client(config.s3);
    expect(s3.config.forcePathStyle).toBe(false);
    expect(s3.config.endpoint).toBeUndefined();
    s3.destroy();
  });

  it('points DynamoDB at the local server with the emulator credentials', async () => {
    const ddb = createDynamoDbClient(resolveConfig({}).dynamodb, { maxAttempts: 1 });
    expect(await ddb.config.credentials()).toMatchObject(EMULATOR_CREDENTIALS);
    expect((await ddb.config.endpoint?.())?.port).toBe(8000);
    expect(await ddb.config.maxAttempts()).toBe(1);
    ddb.destroy();
  });

  it('connects the PostgreSQL pool to CASSFLOW_POSTGRES_URL', async () => {
    const pool = createPostgresPool(resolveConfig({}).postgres);
    expect(pool.options).toMatchObject({
      connectionString: 'postgres://cassflow:cassflow@127.0.0.1:55432/cassflow',
    });
    await pool.end();
  });

  it('asks for CASSFLOW_POSTGRES_URL when no PostgreSQL is configured', () => {
    const config = resolveConfig({ CASSFLOW_MODE: 'aws', AWS_REGION: 'eu-west-1' });
    expect(() => createPostgresPool(config.postgres)).toThrow(ConfigError);
  });
});
