import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import pg from 'pg';
import { ConfigError } from '../../config/errors.ts';
import type { AwsTargetConfig, PostgresConfig } from '../../config/targets.ts';

/** s3rver accepts only its own key pair; dynalite and LocalStack accept any, so this one too. */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

type ClientOptions = { maxAttempts?: number };

function awsOptions(config: AwsTargetConfig, options: ClientOptions) {
  return {
    ...options,
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(config.useDummyCredentials ? { credentials: EMULATOR_CREDENTIALS } : {}),
    requestHandler: new NodeHttpHandler({ connectionTimeout: 5000 }),
  };
}

/**
 * An S3 client for the configured endpoint. With an endpoint override it addresses buckets by
 * path (s3rver and LocalStack have no per-bucket host names) and sends checksums only where S3
 * requires them: S3-compatible servers do not all decode the SDK's aws-chunked checksum trailers.
 *
 * @example
 * const s3 = createS3Client(resolveConfig().s3);
 * await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'v' }));
 */
export function createS3Client(config: AwsTargetConfig, options: ClientOptions = {}): S3Client {
  return new S3Client({
    ...awsOptions(config, options),
    ...(config.endpoint
      ? {
          forcePathStyle: true,
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
        }
      : {}),
  });
}

/**
 * A DynamoDB client for the configured endpoint (dynalite locally).
 *
 * @example
 * const ddb = createDynamoDbClient(resolveConfig().dynamodb);
 * await ddb.send(new ListTablesCommand({}));
 */
export function createDynamoDbClient(
  config: AwsTargetConfig,
  options: ClientOptions = {},
): DynamoDBClient {
  return new DynamoDBClient(awsOptions(config, options));
}

/**
 * A DynamoDB document client (plain JavaScript values in and out), undefined fields dropped.
 *
 * @example
 * const docs = createDynamoDbDocumentClient(resolveConfig().dynamodb);
 * await docs.send(new PutCommand({ TableName: 't', Item: { id: 'a', n: 1 } }));
 */
export function createDynamoDbDocumentClient(
  config: AwsTargetConfig,
  options: ClientOptions = {},
): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(createDynamoDbClient(config, options), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/**
 * A connection pool for CASSFLOW_POSTGRES_URL (the local PostgreSQL by default). End it with
 * `pool.end()`.
 *
 * @example
 * const pool = createPostgresPool(resolveConfig().postgres);
 * const { rows } = await pool.query('SELECT 1 AS one');
 */
export function createPostgresPool(
  config: PostgresConfig,
  options: Omit<pg.PoolConfig, 'connectionString'> = {},
): pg.Pool {
  if (!config.url) {
    throw new ConfigError('CASSFLOW_POSTGRES_URL', 'must be set to reach PostgreSQL in aws mode');
  }
  const pool = new pg.Pool({
    connectionTimeoutMillis: 5000,
    ...options,
    connectionString: config.url,
  });
  // A connection the server drops (restart, shutdown) emits 'error' on its client even when it is
  // idle or its pool is ending; unheard, that would end the process. Queries still reject.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}
