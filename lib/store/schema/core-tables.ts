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
 * and UTC hour of arrival so that no partition grows without bound (a flood fills hours, not
 * one day); the replay columns mark a record replayed so it is never replayed twice. It replaced
 * `dead_letters` (by day), which nothing writes any more.
 */
export const DEAD_LETTERS = {
  name: 'dead_letters_by_hour',
  partitionKey: [
    { name: 'source', type: 'text' },
    { name: 'hour', type: 'timestamp' },
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
    /** Set (compare-and-set) by the replay that took the record, before it sends it. */
    { name: 'replay_claimed_at', type: 'timestamp' },
    { name: 'replay_claimed_by', type: 'text' },
    /** Set once the record is back in the stream: where it went. */
    { name: 'replayed_at', type: 'timestamp' },
    { name: 'replayed_as', type: 'text' },
  ],
  // Rows carry their pipeline's own TTL; this default also turns TTL on for Keyspaces tables.
  ttlSeconds: 14 * 86_400,
  comment: 'cassflow: records that failed decoding or validation, with their raw bytes',
} as const satisfies TableSpec;

/** The tables every cassflow deployment has. */
export const CORE_TABLES: readonly TableSpec[] = [SHARD_CHECKPOINTS, DEAD_LETTERS];
