import type { TableSpec } from '../store/schema/table-spec.ts';

/** Per sync job, the pass under way (or the last one, finished) and the closed-windows cursor. */
export const SYNC_PASSES = {
  name: 'sync_passes',
  partitionKey: [{ name: 'job', type: 'text' }],
  clusteringKey: [],
  columns: [
    { name: 'pass_id', type: 'text' },
    { name: 'mode', type: 'text' },
    { name: 'started_at', type: 'timestamp' },
    { name: 'finished_at', type: 'timestamp' },
    { name: 'passes_finished', type: 'bigint' },
    { name: 'runs', type: 'bigint' },
    /** closed-windows mode: windows closing up to here (epoch ms) are synced. */
    { name: 'closed_through', type: 'bigint' },
  ],
  comment: 'cassflow: sync jobs, their current pass and cursor',
} as const satisfies TableSpec;

/** Per sync job and token range of the current pass: where reading stands. */
export const SYNC_RANGES = {
  name: 'sync_ranges',
  partitionKey: [{ name: 'job', type: 'text' }],
  clusteringKey: [{ name: 'range_id', type: 'int', order: 'ASC' }],
  columns: [
    { name: 'pass_id', type: 'text' },
    { name: 'range_start', type: 'varint' },
    { name: 'range_end', type: 'varint' },
    /** The driver's paging state for the next page; null once the range is read. */
    { name: 'page_state', type: 'blob' },
    { name: 'pages', type: 'int' },
    { name: 'rows', type: 'bigint' },
    { name: 'done', type: 'boolean' },
    { name: 'updated_at', type: 'timestamp' },
  ],
  comment: 'cassflow: sync checkpoints, one row per token range of the current pass',
} as const satisfies TableSpec;

/**
 * Per sync job, who may run it until when: runs of one job never overlap, without reserving
 * Lambda concurrency for them.
 */
export const SYNC_LEASES = {
  name: 'sync_leases',
  partitionKey: [{ name: 'job', type: 'text' }],
  clusteringKey: [],
  columns: [
    { name: 'owner', type: 'text' },
    /** Epoch ms; 0 once released. */
    { name: 'until', type: 'bigint' },
  ],
  comment: 'cassflow: sync job leases, so runs of a job never overlap',
} as const satisfies TableSpec;

/**
 * Per sync job, the rows its target could not take (a DynamoDB key or item over the limits,
 * text PostgreSQL cannot store, ...), with the reason, so the job goes on without them.
 * Partitioned by the hour they were recorded in, so no partition grows without bound; the row
 * (as JSON) is cut at a size, its full length kept.
 */
export const SYNC_REJECTS = {
  name: 'sync_rejects',
  partitionKey: [
    { name: 'job', type: 'text' },
    { name: 'hour', type: 'timestamp' },
  ],
  clusteringKey: [
    { name: 'pass_id', type: 'text', order: 'ASC' },
    { name: 'range_id', type: 'int', order: 'ASC' },
    { name: 'page', type: 'int', order: 'ASC' },
    { name: 'row_index', type: 'int', order: 'ASC' },
  ],
  columns: [
    { name: 'reason', type: 'text' },
    /** The source row's primary key columns as a JSON object: where to find the row. */
    { name: 'primary_key', type: 'text' },
    { name: 'row', type: 'text' },
    /** The UTF-8 length of the whole row's JSON, of which `row` may hold only the start. */
    { name: 'row_bytes', type: 'int' },
    { name: 'recorded_at', type: 'timestamp' },
  ],
  // Rejects are for a look and a fix, not an archive; the default also turns TTL on in Keyspaces.
  ttlSeconds: 14 * 86_400,
  comment: 'cassflow: sync rows a target could not take, with the reason',
} as const satisfies TableSpec;

export const SYNC_TABLES: readonly TableSpec[] = [
  SYNC_PASSES,
  SYNC_RANGES,
  SYNC_LEASES,
  SYNC_REJECTS,
];
