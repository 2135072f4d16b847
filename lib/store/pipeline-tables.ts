import type { AnyPipeline } from '../pipeline/any-pipeline.ts';
import type { Pipeline } from '../pipeline/spec.ts';
import { DEAD_LETTERS } from './schema/core-tables.ts';
import type { ColumnSpec, TableSpec } from './schema/table-spec.ts';
import { sinkTableSpec } from './sink-table.ts';

/**
 * The tables of one aggregation pipeline. Window rows carry a plain typed column per aggregate
 * (readable with CQL) beside the serialized accumulator, the compare-and-set version and the
 * per-shard fences. Partitions are bounded: window rows by a bucket of their start, index rows
 * by the hour of their close time and a slot of the key, late events by day and shard.
 */
export function pipelineTables(pipeline: Pipeline): TableSpec[] {
  const { tables } = pipeline;
  // Retention expires results and late events; open windows and watermarks are live state.
  const ttl = pipeline.retentionSeconds ? { ttlSeconds: pipeline.retentionSeconds } : {};
  const resultColumns: ColumnSpec[] = pipeline.aggregates.map((a) => ({
    name: a.name,
    type: a.aggregate.resultType,
  }));
  const indexRow = {
    // An hour of close time, spread over INDEX_SLOTS partitions by key (index-partitions.ts).
    partitionKey: [
      { name: 'bucket', type: 'bigint' },
      { name: 'slot', type: 'int' },
    ],
    clusteringKey: [
      { name: 'close_at', type: 'timestamp', order: 'ASC' },
      { name: 'key', type: 'text', order: 'ASC' },
      { name: 'window', type: 'text', order: 'ASC' },
      { name: 'window_start', type: 'timestamp', order: 'ASC' },
    ],
  } as const;
  return [
    {
      name: tables.windows,
      partitionKey: [
        { name: 'key', type: 'text' },
        { name: 'window', type: 'text' },
        { name: 'bucket', type: 'bigint' },
      ],
      clusteringKey: [{ name: 'window_start', type: 'timestamp', order: 'ASC' }],
      columns: [
        { name: 'window_end', type: 'timestamp' },
        { name: 'final', type: 'boolean' },
        { name: 'events', type: 'bigint' },
        ...resultColumns,
        { name: 'acc', type: 'blob' },
        { name: 'version', type: 'bigint' },
        { name: 'fences', type: 'map<text, varint>' },
        { name: 'updated_at', type: 'timestamp' },
        // Pane rows only: events counted in the pane's later windows but late for earlier ones.
        { name: 'partials', type: 'map<text, blob>' },
      ],
      comment: `cassflow ${pipeline.name}: one row per key, window and start`,
      ...ttl,
    },
    {
      name: tables.openWindows,
      ...indexRow,
      columns: [],
      comment: `cassflow ${pipeline.name}: windows not yet final, by close time (hour buckets)`,
    },
    {
      name: tables.closedWindows,
      ...indexRow,
      columns: [{ name: 'closed_at', type: 'timestamp' }],
      comment: `cassflow ${pipeline.name}: final windows, by close time (hour buckets), for sync`,
      ...ttl,
    },
    {
      name: tables.watermarks,
      partitionKey: [{ name: 'scope', type: 'text' }],
      clusteringKey: [{ name: 'shard_id', type: 'text', order: 'ASC' }],
      columns: [
        { name: 'watermark', type: 'bigint' },
        { name: 'max_event_time', type: 'bigint' },
        { name: 'last_seen', type: 'timestamp' },
        { name: 'version', type: 'bigint' },
        { name: 'position', type: 'varint' },
        { name: 'state', type: 'text' },
        // Single-writer pipelines: the shard's last claim (docs/single-writer.md).
        { name: 'claim_ts', type: 'bigint' },
        { name: 'claimer', type: 'text' },
        { name: 'claim_seen', type: 'bigint' },
      ],
      comment: `cassflow ${pipeline.name}: per-shard watermarks and the closer's position`,
    },
    {
      name: tables.lateEvents,
      partitionKey: [
        { name: 'day', type: 'date' },
        { name: 'shard_id', type: 'text' },
      ],
      clusteringKey: [
        { name: 'sequence_number', type: 'varint', order: 'ASC' },
        { name: 'window', type: 'text', order: 'ASC' },
      ],
      columns: [
        { name: 'key', type: 'text' },
        { name: 'event_time', type: 'timestamp' },
        { name: 'watermark', type: 'timestamp' },
        { name: 'raw', type: 'blob' },
        { name: 'raw_bytes', type: 'int' },
        { name: 'raw_sha256', type: 'text' },
        { name: 'recorded_at', type: 'timestamp' },
      ],
      comment: `cassflow ${pipeline.name}: events that arrived after their window was final`,
      ttlSeconds: lateEventsTable(pipeline).keepSeconds,
    },
  ];
}

/**
 * The late-event table and how long its rows live: the pipeline's retention, or else as long as
 * its dead letters (they hold raw payloads too, so never for ever).
 */
export function lateEventsTable(pipeline: Pipeline): { name: string; keepSeconds: number } {
  return {
    name: pipeline.tables.lateEvents,
    keepSeconds: pipeline.retentionSeconds ?? pipeline.deadLetters.keepSeconds,
  };
}

/** The tables a pipeline of either kind needs besides cassflow's core tables. */
export function tablesOf(pipeline: AnyPipeline): TableSpec[] {
  return pipeline.kind === 'sink' ? [sinkTableSpec(pipeline)] : pipelineTables(pipeline);
}

/**
 * What a pipeline's stream function does to each table, for its grants: the tables it reads
 * (every compare-and-set reads too), and the ones it only ever inserts into.
 */
export function streamTableAccess(pipeline: AnyPipeline): { readWrite: string[]; write: string[] } {
  if (pipeline.kind === 'sink')
    return { readWrite: [], write: [pipeline.table, DEAD_LETTERS.name] };
  const { tables } = pipeline;
  return {
    readWrite: [tables.windows, tables.openWindows, tables.watermarks],
    write: [tables.closedWindows, tables.lateEvents, DEAD_LETTERS.name],
  };
}
