import type { Pipeline } from '../pipeline/spec.ts';

/**
 * Amazon Keyspaces' key quotas (https://docs.aws.amazon.com/keyspaces/latest/devguide/quotas.html):
 * a row's clustering columns together take at most 850 bytes, with up to 4 bytes of metadata
 * each; its partition key at most 2,048 bytes, with up to 3 bytes each. Apache Cassandra allows
 * 64 KiB per value, so these are the bounds a pipeline must keep to run on both.
 */
const CLUSTERING_KEY_BYTES = 850;
const CLUSTERING_COLUMN_METADATA = 4;
const PARTITION_KEY_BYTES = 2048;
const PARTITION_COLUMN_METADATA = 3;
const TIMESTAMP_BYTES = 8;
const BIGINT_BYTES = 8;
/** The longest suffix a window's rows add to its name in the `window` column (`#panes`). */
const WINDOW_SUFFIX_BYTES = '#panes'.length;

const limits = new WeakMap<Pipeline, number>();

let last: { pipeline: Pipeline; limit: number } | undefined;

/**
 * The longest key, in UTF-8 bytes, whose rows fit Keyspaces' quotas in every table of the
 * pipeline: the window index's clustering columns (close_at, key, window, window_start) and
 * the windows table's partition key (key, window, bucket), with the longest window name.
 */
export function maxKeyBytes(pipeline: Pipeline): number {
  // Asked once per record: the pipeline of the last call answers without a WeakMap lookup.
  if (last?.pipeline === pipeline) return last.limit;
  const limit = limitOf(pipeline);
  last = { pipeline, limit };
  return limit;
}

function limitOf(pipeline: Pipeline): number {
  const known = limits.get(pipeline);
  if (known !== undefined) return known;
  const window =
    Math.max(0, ...pipeline.windows.map((w) => Buffer.byteLength(w.name))) + WINDOW_SUFFIX_BYTES;
  const inIndex =
    CLUSTERING_KEY_BYTES - 4 * CLUSTERING_COLUMN_METADATA - 2 * TIMESTAMP_BYTES - window;
  const inWindows = PARTITION_KEY_BYTES - 3 * PARTITION_COLUMN_METADATA - BIGINT_BYTES - window;
  const limit = Math.min(inIndex, inWindows);
  limits.set(pipeline, limit);
  return limit;
}
