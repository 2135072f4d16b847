import type { Pipeline } from '../pipeline/spec.ts';
import type { CassandraSession } from '../store/session.ts';
import { CqlSideOutputs } from '../store/side-outputs.ts';
import { CqlWatermarks } from '../store/watermark-store.ts';
import { CqlWindowIndex } from '../store/window-index.ts';
import { CqlWindowRows } from '../store/window-rows.ts';
import { CqlWriteHolds } from '../store/write-holds.ts';
import { DEFAULT_RETRY } from './compare-and-set.ts';
import type { EnginePorts, EngineSettings } from './ports.ts';

/** The engine's ports on Cassandra or Keyspaces, for one pipeline. */
export function cqlPorts(session: CassandraSession, pipeline: Pipeline): EnginePorts {
  return {
    rows: new CqlWindowRows(session, pipeline),
    index: new CqlWindowIndex(session, pipeline),
    watermarks: new CqlWatermarks(session, pipeline),
    holds: new CqlWriteHolds(session, pipeline),
    sideOutputs: new CqlSideOutputs(session, pipeline.tables.lateEvents),
  };
}

/** Writes still in flight when an invocation ends settle within the driver's timeouts. */
export const HOLD_MARGIN_MS = 30_000;

export const DEFAULT_ENGINE_SETTINGS: EngineSettings = {
  retry: DEFAULT_RETRY,
  concurrency: 32,
  maxClosesPerRun: 20_000,
  // Lambda's longest timeout; the handler narrows it to the invocation's remaining time.
  holdMs: 900_000 + HOLD_MARGIN_MS,
  now: () => Date.now(),
};
