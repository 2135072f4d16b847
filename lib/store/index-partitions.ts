import { BATCH_LIMIT, type BatchStatement } from './session.ts';

/** A window in the open or closed index: found by when it closes. */
export type IndexedWindow = { closeAt: number; key: string; window: string; start: number };

/** The index rows live in partitions of one hour of close time... */
export const INDEX_BUCKET_MS = 3_600_000;

/**
 * ...each hour spread over this many partitions by key. Every window of every key closing in
 * the hour is indexed, closed and dropped there: in one partition, 100,000 keys would ask far
 * more than the 1,000 write units a second Amazon Keyspaces gives a partition. Fixed: entries
 * are found again by recomputing their slot.
 */
export const INDEX_SLOTS = 16;

export function indexBucketOf(closeAt: number): number {
  return Math.floor(closeAt / INDEX_BUCKET_MS);
}

/** The slot of a key (FNV-1a of its UTF-8 bytes): the same on every machine and release. */
export function indexSlotOf(key: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(key)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % INDEX_SLOTS;
}

/** An entry's primary key: partition (bucket, slot), then close_at, key, window, window_start. */
export function indexKey(w: IndexedWindow): unknown[] {
  return [
    BigInt(indexBucketOf(w.closeAt)),
    indexSlotOf(w.key),
    new Date(w.closeAt),
    w.key,
    w.window,
    new Date(w.start),
  ];
}

/**
 * The entries' statements as unlogged batches of one index partition each, so every batch is
 * one mutation on one replica set rather than a coordinator's fan-out.
 */
export function batchesPerPartition(
  windows: readonly IndexedWindow[],
  statement: (w: IndexedWindow) => BatchStatement,
): BatchStatement[][] {
  const byPartition = new Map<string, BatchStatement[]>();
  for (const w of windows) {
    const partition = `${indexBucketOf(w.closeAt)}:${indexSlotOf(w.key)}`;
    const list = byPartition.get(partition);
    if (list) list.push(statement(w));
    else byPartition.set(partition, [statement(w)]);
  }
  const batches: BatchStatement[][] = [];
  for (const list of byPartition.values()) {
    for (let i = 0; i < list.length; i += BATCH_LIMIT) {
      batches.push(list.slice(i, i + BATCH_LIMIT));
    }
  }
  return batches;
}
