import { z } from 'zod';
import { parseDuration } from '../windows/duration.ts';
import { cqlName, cqlNameProblem } from './cql-names.ts';
import { resolveDeadLetters } from './dead-letter-policy.ts';
import { PipelineSpecError } from './errors.ts';
import { readPath, splitPath } from './field-path.ts';
import { checkRetention } from './retention.ts';
import { deadLettersSetting, maxEventBytes, streamName, zodIssues } from './schema-parts.ts';
import {
  SINK_COLUMN_TYPES,
  type SinkColumn,
  type SinkDefinition,
  type SinkPipeline,
} from './sink-spec.ts';
import type { EventRecord } from './spec.ts';
import { resolveSyncEntries, syncEntrySchema } from './sync-entry.ts';

const definitionSchema = z.object({
  // A label (the table is named apart), so a reserved word is fine here.
  name: cqlName(40, { reservedOk: true }),
  source: z.object({ stream: streamName }),
  table: cqlName(48),
  keyspace: cqlName().optional(),
  columns: z
    .record(
      // Names are checked after parsing, where the message can say what is wrong with one.
      z.string(),
      z
        .object({
          from: z.union([
            z.string().regex(/^[^.]+(\.[^.]+)*$/, 'must be a dot path such as "user.id"'),
            z.custom<(e: EventRecord) => unknown>((v) => typeof v === 'function'),
          ]),
          type: z.enum(SINK_COLUMN_TYPES),
          optional: z.boolean().optional(),
        })
        .strict(),
    )
    .refine((c) => Object.keys(c).length > 0, 'needs at least one column'),
  primaryKey: z
    .object({ partition: z.array(z.string()).min(1), clustering: z.array(z.string()).optional() })
    .strict(),
  maxEventBytes,
  deadLetters: deadLettersSetting,
  retention: z.union([z.string(), z.number()]).optional(),
  sync: z.array(syncEntrySchema).optional(),
});

/**
 * Validates a sink: each record becomes one idempotent INSERT of the mapped columns into `table`
 * (replays rewrite the same row). Throws a PipelineSpecError listing every problem.
 *
 * @example
 * const pageViewLog = defineSink({
 *   name: 'page_view_log',
 *   source: { stream: 'page-views' },
 *   table: 'page_view_log',
 *   columns: {
 *     page: { from: 'page', type: 'text' },
 *     ts: { from: 'ts', type: 'timestamp' },
 *     user_id: { from: 'user', type: 'text' },
 *     ms: { from: 'ms', type: 'double', optional: true },
 *   },
 *   primaryKey: { partition: ['page'], clustering: ['ts', 'user_id'] },
 * });
 */
export function defineSink(definition: SinkDefinition): SinkPipeline {
  const label = typeof definition?.name === 'string' ? definition.name : '(unnamed)';
  const parsed = definitionSchema.safeParse(definition);
  if (!parsed.success) {
    throw new PipelineSpecError(label, zodIssues(parsed.error));
  }
  const spec = parsed.data;
  const issues: string[] = [];
  for (const column of Object.keys(spec.columns)) {
    const problem = cqlNameProblem(column);
    if (problem) issues.push(`columns.${column}: ${problem}`);
  }
  const partition = spec.primaryKey.partition;
  const clustering = spec.primaryKey.clustering ?? [];
  const keyColumns = [...partition, ...clustering];
  for (const column of keyColumns) {
    const declared = spec.columns[column];
    if (!declared) issues.push(`primaryKey: '${column}' is not one of the columns`);
    else if (declared.optional)
      issues.push(`columns.${column}: a primary key column cannot be optional`);
  }
  if (new Set(keyColumns).size !== keyColumns.length)
    issues.push('primaryKey: a column is named twice');
  const sync = resolveSyncEntries(spec.sync, 'full', issues);
  let retentionSeconds: number | undefined;
  try {
    const retentionMs =
      spec.retention === undefined ? undefined : parseDuration(spec.retention, 'retention');
    retentionSeconds = checkRetention(retentionMs, 0, issues);
  } catch (error) {
    issues.push((error as Error).message);
  }
  const deadLetters = resolveDeadLetters(spec.deadLetters, issues);
  if (issues.length > 0) throw new PipelineSpecError(spec.name, issues);

  const columns: SinkColumn[] = Object.entries(spec.columns).map(([column, c]) => {
    const path = typeof c.from === 'string' ? splitPath(c.from) : undefined;
    const from = c.from;
    return {
      name: column,
      type: c.type,
      optional: c.optional ?? false,
      read: path ? (event) => readPath(event, path) : (from as (e: EventRecord) => unknown),
      field: typeof from === 'string' ? from : `columns.${column}`,
    };
  });
  return {
    kind: 'sink',
    name: spec.name,
    stream: spec.source.stream,
    table: spec.table,
    ...(spec.keyspace ? { keyspace: spec.keyspace } : {}),
    ...(retentionSeconds ? { retentionSeconds } : {}),
    columns,
    partitionKey: partition,
    clusteringKey: clustering,
    maxEventBytes: spec.maxEventBytes ?? 256 * 1024,
    deadLetters,
    sync,
  };
}
