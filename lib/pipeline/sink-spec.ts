import type { DeadLetterPolicy, DeadLettersDefinition } from './dead-letter-policy.ts';
import type { EventRecord, Extractor } from './spec.ts';
import type { SyncEntryDefinition, SyncJobSpec } from './sync-entry.ts';

/** The CQL types a sink column may have, and what each accepts from JSON. */
export const SINK_COLUMN_TYPES = [
  'text',
  'int',
  'bigint',
  'varint',
  'float',
  'double',
  'boolean',
  'timestamp',
  'uuid',
] as const;
export type SinkColumnType = (typeof SINK_COLUMN_TYPES)[number];

/** Where a column's value comes from, its CQL type, and whether it may be absent. */
export type SinkColumnDefinition = {
  from: Extractor<unknown>;
  type: SinkColumnType;
  /** Absent or null values leave the column unset instead of making a dead letter. */
  optional?: boolean;
};

/** What a user writes to map each record to an upsert into a table (Flink's CassandraSink). */
export type SinkDefinition = {
  name: string;
  source: { stream: string };
  /** The table the rows go to; `cassflow schema apply --pipeline` creates it if missing. */
  table: string;
  keyspace?: string;
  /** Column name -> where its value comes from and its type. */
  columns: Readonly<Record<string, SinkColumnDefinition>>;
  /** Partition key columns, then clustering columns: together, what makes an upsert idempotent. */
  primaryKey: { partition: readonly string[]; clustering?: readonly string[] };
  maxEventBytes?: number;
  /** How long dead letters are kept (default 14 days) and how many raw bytes (default 256 KiB). */
  deadLetters?: DeadLettersDefinition;
  /** How long rows are kept (the table's TTL), e.g. '30d'. Default: kept until deleted. */
  retention?: string | number;
  /** Jobs that copy the table to other stores on a schedule (always in full). */
  sync?: readonly SyncEntryDefinition[];
};

export type SinkColumn = {
  name: string;
  type: SinkColumnType;
  optional: boolean;
  read: (event: EventRecord) => unknown;
  /** The field path, or 'columns.<name>' for a function: what dead letters name. */
  field: string;
};

/** A validated sink pipeline. */
export type SinkPipeline = {
  kind: 'sink';
  name: string;
  stream: string;
  table: string;
  keyspace?: string;
  columns: readonly SinkColumn[];
  partitionKey: readonly string[];
  clusteringKey: readonly string[];
  maxEventBytes: number;
  deadLetters: DeadLetterPolicy;
  /** The table's TTL in seconds, when retention is set. */
  retentionSeconds?: number;
  sync: readonly SyncJobSpec[];
};
