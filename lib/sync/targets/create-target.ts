import type { CassflowConfig } from '../../config/config.ts';
import type { SyncTargetSpec } from '../../pipeline/sync-entry.ts';
import type { SyncTarget } from '../target.ts';
import { createDynamoDbClient, createPostgresPool, createS3Client } from './clients.ts';
import { DynamoDbTarget } from './dynamodb-target.ts';
import { PostgresTarget } from './postgres-target.ts';
import { S3Target } from './s3-target.ts';

/** The target a sync entry names, on the configured endpoints (the local servers by default). */
export function createSyncTarget(spec: SyncTargetSpec, config: CassflowConfig): SyncTarget {
  switch (spec.kind) {
    case 's3':
      // The local S3 server starts empty: there the bucket is made on first use.
      return new S3Target(createS3Client(config.s3), spec.bucket, spec.prefix, {
        createIfMissing: config.s3.useDummyCredentials,
      });
    case 'dynamodb':
      return new DynamoDbTarget(createDynamoDbClient(config.dynamodb), spec.table);
    case 'postgres':
      return new PostgresTarget(createPostgresPool(config.postgres), spec.table, spec.schema);
  }
}
