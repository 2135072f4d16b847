import type { TableSpec } from './table-spec.ts';

/**
 * Where a consumer of a stream got to in each shard: the highest sequence number it has handled.
 * Written with compare-and-set on `version`, so two consumers can't both advance one shard.
 */
export const SHARD_CHECKPOINTS = {
  name: 'shard_checkpoints',
  partitionKey: [
    { name: 'consumer', type: 'text' },
    { name: 'stream', type: 'text' },
  ],
  clusteringKey: [{ name: 'shard_id', type: 'text', order: 'ASC' }],
  columns: [
    { name: 'sequence_number', type: 'varint' },
    { name: 'records', type: 'bigint' },
    { name: 'version', type: 'bigint' },
    { name: 'updated_at', type: 'timestamp' },
  ],
  comment: 'cassflow: per-shard position of each stream consumer',
} as const satisfies TableSpec;

/**
 * Records that could not be used, with everything needed to replay them. Partitioned by source
 * and UTC day so that no partition grows without bound.
 */
export const DEAD_LETTERS = {
  name: 'dead_letters',
  partitionKey: [
    { name: 'source', type: 'text' },
    { name: 'day', type: 'date' },
  ],
  clusteringKey: [
    { name: 'shard_id', type: 'text', order: 'ASC' },
    { name: 'sequence_number', type: 'varint', order: 'ASC' },
  ],
  columns: [
    { name: 'partition_key', type: 'text' },
    { name: 'reason', type: 'text' },
    { name: 'field', type: 'text' },
    { name: 'raw', type: 'blob' },
    { name: 'raw_bytes', type: 'int' },
    { name: 'raw_sha256', type: 'text' },
    { name: 'arrived_at', type: 'timestamp' },
    { name: 'recorded_at', type: 'timestamp' },
  ],
  // Rows carry their pipeline's own TTL; this default also turns TTL on for Keyspaces tables.
  ttlSeconds: 14 * 86_400,
  comment: 'cassflow: records that failed decoding or validation, with their raw bytes',
} as const satisfies TableSpec;

/** The tables every cassflow deployment has. */
export const CORE_TABLES: readonly TableSpec[] = [SHARD_CHECKPOINTS, DEAD_LETTERS];
