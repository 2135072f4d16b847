import type { Pipeline } from '../pipeline/spec.ts';
import type { CassandraSession } from '../store/session.ts';
import { CqlWindowIndex, INDEX_BUCKET_MS, indexBucketOf } from '../store/window-index.ts';

/** Counted at most per refresh; past it the count says "more". */
const COUNT_LIMIT = 10_000;
/** Hour buckets read at most per refresh (a closer far behind is "more" too). */
const BUCKET_LIMIT = 48;

/**
 * Windows due but not final: open-index entries closing after the closer's `done` and no later
 * than the watermark. A closer that keeps up leaves none for long; a count that grows says the
 * tick is not running or cannot keep up.
 */
export async function countDueWindows(
  session: CassandraSession,
  pipeline: Pipeline,
  done: number | undefined,
  watermark: number,
): Promise<{ count: number; more: boolean }> {
  if (!Number.isFinite(watermark)) return { count: 0, more: false };
  const index = new CqlWindowIndex(session, pipeline);
  const from =
    done !== undefined && Number.isFinite(done)
      ? done + 1
      : ((await index.lowestOpenBucket()) ?? indexBucketOf(watermark)) * INDEX_BUCKET_MS;
  let count = 0;
  const last = indexBucketOf(watermark);
  const first = indexBucketOf(from);
  for (let bucket = first; bucket <= last; bucket++) {
    if (bucket - first >= BUCKET_LIMIT) return { count, more: true };
    for await (const page of index.duePages(bucket, from, watermark, 1000)) {
      count += page.length;
      if (count >= COUNT_LIMIT) return { count, more: true };
    }
  }
  return { count, more: false };
}
