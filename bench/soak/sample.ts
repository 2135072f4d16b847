import type cassandra from 'cassandra-driver';
import type { Pipeline } from '#lib/pipeline/spec';
import type { CassandraSession } from '#lib/store/session';
import { pipelineWatermark } from '#lib/store/watermark';
import { CqlWatermarks } from '#lib/store/watermark-store';
import { INDEX_BUCKET_MS, INDEX_SLOTS, indexBucketOf } from '#lib/store/window-index';
import { type ReadCost, tracedRead } from './trace-reads.ts';

/** One minute of the soak, as measured at its end. */
export type SoakSample = {
  minute: number;
  /** Records the handler processed since the start, late events and dead letters. */
  records: number;
  late: number;
  /** The pipeline's watermark behind wall-clock event time (ms of event time). */
  watermarkLagMs: number;
  /** How far closing is behind the watermark (ms of event time). */
  closerLagMs: number;
  /** Open-index entries the watermark has passed that are not closed yet. */
  dueButOpen: number;
  /** Shard rows, and shards ended by resharding that the tick retired (their rows deleted). */
  shardRows: number;
  retired: number;
  /** What the closer's reads cost: the shards, the cursor, the open index from `done`. */
  shardsRead: ReadCost;
  cursorRead: ReadCost;
  indexRead: ReadCost;
  /** Tombstone warnings in Cassandra's log so far, and reads it failed on tombstones. */
  tombstoneWarnings: number;
  tombstoneFailures: number;
};

/** The measures of one sample that read the store; the caller adds the counts it keeps. */
export async function sampleStore(
  client: cassandra.Client,
  session: CassandraSession,
  pipeline: Pipeline,
  eventNow: number,
  endedShards: readonly string[],
): Promise<
  Omit<SoakSample, 'minute' | 'records' | 'late' | 'tombstoneWarnings' | 'tombstoneFailures'>
> {
  const watermarks = session.table(pipeline.tables.watermarks);
  const open = session.table(pipeline.tables.openWindows);
  const shards = await new CqlWatermarks(session, pipeline).readShards();
  const cursor = await new CqlWatermarks(session, pipeline).readCursor();
  const watermark = pipelineWatermark(shards);
  const done = cursor?.done ?? Number.NEGATIVE_INFINITY;
  const from = Number.isFinite(done) ? done : eventNow - 3_600_000;
  const shardsRead = await tracedRead(client, `SELECT * FROM ${watermarks} WHERE scope = ?`, [
    'shard',
  ]);
  const cursorRead = await tracedRead(
    client,
    `SELECT * FROM ${watermarks} WHERE scope = ? AND shard_id = ?`,
    ['closer', 'cursor'],
  );
  // The closer's reads of the open index: from `done` in its hour bucket, up to the watermark,
  // in each of the hour's partitions (one query here, as the trace sums them).
  const slots = Array.from({ length: INDEX_SLOTS }, (_, slot) => slot);
  const indexRead = await tracedRead(
    client,
    `SELECT close_at, key FROM ${open} WHERE bucket = ? AND slot IN ? AND close_at >= ? AND close_at <= ?`,
    [BigInt(indexBucketOf(from)), slots, new Date(from), new Date(Math.max(from, watermark))],
  );
  let dueButOpen = 0;
  if (Number.isFinite(watermark)) {
    for (let bucket = indexBucketOf(from); bucket <= indexBucketOf(watermark); bucket++) {
      const due = await session.execute(
        `SELECT COUNT(*) AS n FROM ${open} WHERE bucket = ? AND slot IN ? AND close_at >= ? AND close_at <= ?`,
        [
          BigInt(bucket),
          slots,
          new Date(Math.max(from, bucket * INDEX_BUCKET_MS)),
          new Date(watermark),
        ],
      );
      dueButOpen += Number(due.first()?.get('n') ?? 0);
    }
  }
  const rowIds = new Set(shards.map((s) => s.shardId));
  return {
    shardRows: shards.length,
    retired: endedShards.filter((id) => !rowIds.has(id)).length,
    watermarkLagMs: Number.isFinite(watermark) ? eventNow - watermark : Number.NaN,
    closerLagMs:
      Number.isFinite(watermark) && Number.isFinite(done) ? watermark - done : Number.NaN,
    dueButOpen,
    shardsRead,
    cursorRead,
    indexRead,
  };
}
