import { EVENT_ENVELOPE_BYTES, type EventRecord } from './event-record.ts';

/**
 * The concurrent batch a partition key belongs to under a parallelization factor. Lambda keeps
 * each partition key on one of the shard's concurrent batches so its records stay in order; a
 * stable hash (32-bit FNV-1a) does the same here.
 */
export function laneOf(partitionKey: string, lanes: number): number {
  if (lanes <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < partitionKey.length; i++) {
    hash ^= partitionKey.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % lanes;
}

/**
 * How many records from the front of `queue` make the next batch: at most `batchSize`, and no
 * more than fit the invocation payload limit (always at least one, so an oversized record
 * still reaches the function and fails there like it would on Lambda).
 */
export function batchLength(
  queue: readonly EventRecord[],
  batchSize: number,
  maxPayloadBytes: number,
): number {
  let bytes = EVENT_ENVELOPE_BYTES;
  let n = 0;
  for (const record of queue) {
    if (n >= batchSize) break;
    if (n > 0 && bytes + record.payloadBytes > maxPayloadBytes) break;
    bytes += record.payloadBytes;
    n += 1;
  }
  return n;
}

export type LaneQueue = {
  records: EventRecord[];
  bytes: number;
  /** When the oldest queued record was queued (epoch ms). */
  since: number;
};

/**
 * When a lane's queue should be invoked: now when a batch is full (size or payload) or the
 * shard is draining, else when the batching window that started with its first record ends.
 * Undefined for an empty queue.
 */
export function readyAt(
  queue: LaneQueue,
  settings: { batchSize: number; maxBatchingWindowSeconds: number },
  maxPayloadBytes: number,
  draining: boolean,
): number | undefined {
  if (queue.records.length === 0) return undefined;
  const full =
    queue.records.length >= settings.batchSize ||
    queue.bytes + EVENT_ENVELOPE_BYTES >= maxPayloadBytes;
  if (full || draining) return 0;
  return queue.since + settings.maxBatchingWindowSeconds * 1000;
}
