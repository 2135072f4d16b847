import type { Pipeline } from '../pipeline/spec.ts';
import type { SyncSchema } from './target.ts';

/** The columns of a window row that are results; the rest (acc, version, fences...) are state. */
export function resultColumnNames(pipeline: Pipeline, withFinal: boolean): string[] {
  return [
    'key',
    'window',
    'window_start',
    'window_end',
    ...(withFinal ? ['final'] : []),
    'events',
    ...pipeline.aggregates.map((a) => a.name),
  ];
}

/**
 * The window table's schema cut down to what a target should get: one row per key, window and
 * start (the storage bucket is left out of the key, since it follows from the start).
 */
export function windowResultSchema(
  windowTable: SyncSchema,
  pipeline: Pipeline,
  withFinal: boolean,
): SyncSchema {
  const byName = new Map(windowTable.columns.map((c) => [c.name, c]));
  const columns = resultColumnNames(pipeline, withFinal).map((name) => {
    const column = byName.get(name);
    if (!column) throw new Error(`${windowTable.table} has no column ${name}`);
    const kind =
      name === 'key'
        ? 'partition_key'
        : name === 'window' || name === 'window_start'
          ? 'clustering'
          : 'regular';
    return { ...column, kind } as const;
  });
  return { ...windowTable, columns, primaryKey: ['key', 'window', 'window_start'] };
}
