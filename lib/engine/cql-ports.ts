import type { Pipeline } from '../pipeline/spec.ts';
import { CqlWindowRows } from '../store/cql-window-rows.ts';
import { lateEventsTable } from '../store/pipeline-tables.ts';
import type { CassandraSession } from '../store/session.ts';
import { CqlSideOutputs } from '../store/side-outputs.ts';
import { CqlWatermarks } from '../store/watermark-store.ts';
import { CqlWindowIndex } from '../store/window-index.ts';
import { DEFAULT_RETRY } from './compare-and-set.ts';
import type { EnginePorts, EngineSettings } from './ports.ts';
import { ROW_CACHE_BYTES, rowCacheFor } from './row-cache.ts';

/**
 * The engine's ports on Cassandra or Keyspaces, for one pipeline (one per container), with a row
 * cache of at most `rowCacheBytes`.
 */
export function cqlPorts(
  session: CassandraSession,
  pipeline: Pipeline,
  rowCacheBytes = ROW_CACHE_BYTES,
): EnginePorts {
  if (pipeline.singleWriter && !session.clientTimestamps) {
    throw new Error(
      `pipeline ${pipeline.name}: singleWriter needs write timestamps, which cassflow uses on ` +
        'Apache Cassandra only (on Amazon Keyspaces they need client-side timestamps on the ' +
        'table, and conditional writes cost no more there): remove singleWriter for Keyspaces',
    );
  }
  return {
    rows: new CqlWindowRows(session, pipeline),
    index: new CqlWindowIndex(session, pipeline),
    watermarks: new CqlWatermarks(session, pipeline),
    sideOutputs: new CqlSideOutputs(session, lateEventsTable(pipeline), pipeline.deadLetters),
    rowCache: rowCacheFor(pipeline, rowCacheBytes),
  };
}

export const DEFAULT_ENGINE_SETTINGS: EngineSettings = {
  retry: DEFAULT_RETRY,
  concurrency: 32,
  maxClosesPerRun: 20_000,
  maxClosesPerBatch: 100,
  maxCloserLagMs: 10_000,
  now: () => Date.now(),
};
