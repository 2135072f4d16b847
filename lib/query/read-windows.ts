import type { Pipeline } from '../pipeline/spec.ts';
import { CqlWindowRows } from '../store/cql-window-rows.ts';
import { inFlightLimit } from '../store/in-flight.ts';
import type { CassandraSession } from '../store/session.ts';
import type { StoredWindowRow } from '../store/window-rows.ts';
import { assembleAllWindows, assembleWindows } from './assemble-windows.ts';
import { planPartitionReads } from './plan-partitions.ts';
import type { WindowFilter, WindowResult } from './window-result.ts';

export class QueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryError';
  }
}

/** Partition reads of one keyed query in flight at once. */
const PARTITION_READS_IN_FLIGHT = 16;

export type ReadWindowsOptions = {
  /** Called every 10,000 rows of a scan, with the rows read so far. */
  onProgress?: (rowsRead: number) => void;
};

/**
 * A pipeline's windows matching `filter`, final or open, sorted by key, window and start. With a
 * key and a time range it reads just the partitions that hold them; otherwise it scans the
 * window table page by page (the whole table without a key).
 *
 * @throws QueryError for a window name the pipeline does not have, or from ≥ to.
 */
export async function readWindows(
  session: CassandraSession,
  pipeline: Pipeline,
  filter: WindowFilter = {},
  options: ReadWindowsOptions = {},
): Promise<WindowResult[]> {
  const windows = checkFilter(pipeline, filter);
  const rows = new CqlWindowRows(session, pipeline);
  const plan =
    filter.key !== undefined && filter.from !== undefined && filter.to !== undefined
      ? planPartitionReads(windows, filter.from, filter.to)
      : undefined;
  if (plan && filter.key !== undefined) {
    const key = filter.key;
    // A wide time range is many partitions: read them a few at a time, not all at once.
    const limit = inFlightLimit(PARTITION_READS_IN_FLIGHT);
    const found = await Promise.all(
      plan.map((p) =>
        limit(() => rows.readRange({ key, window: p.window, bucket: p.bucket }, p.from, p.to)),
      ),
    );
    return assembleWindows(pipeline, key, found.flat(), filter);
  }
  const scanned: StoredWindowRow[] = [];
  for await (const row of rows.scan(filter.key)) {
    scanned.push(row);
    if (scanned.length % 10_000 === 0) options.onProgress?.(scanned.length);
  }
  return assembleAllWindows(pipeline, scanned, filter);
}

function checkFilter(pipeline: Pipeline, filter: WindowFilter) {
  if (filter.from !== undefined && filter.to !== undefined && filter.from >= filter.to) {
    throw new QueryError(
      `--from ${new Date(filter.from).toISOString()} is not before --to ${new Date(filter.to).toISOString()}`,
    );
  }
  if (filter.window === undefined) return pipeline.windows;
  const chosen = pipeline.windows.filter((w) => w.name === filter.window);
  if (chosen.length === 0) {
    const names = pipeline.windows.map((w) => w.name).join(', ');
    throw new QueryError(
      `pipeline ${pipeline.name} has no window '${filter.window}'; its windows are ${names}`,
    );
  }
  return chosen;
}
