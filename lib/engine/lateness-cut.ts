import { shardWatermark } from '../store/watermark.ts';
import type { DecodedEvent } from './decode-event.ts';

/**
 * Sets each event's cut: windows closing at or before it are late for the event. The cut is the
 * later of the closer's claim and the watermark of the event's own shard as of the event: the
 * newest event time on that shard up to and including it (the shard's stored newest, then the
 * batch in sequence order), minus the out-of-order bound.
 *
 * Why per record, and why the own shard:
 * - The same record gets the same cut in every attempt (a retry, either half of a bisected batch):
 *   the stored newest changes only when a batch before it on the shard succeeded, and then it is
 *   exactly the prefix that batch held. So no retry reverses a decision an earlier attempt wrote.
 * - A window that closes after the cut cannot be claimed while the batch runs: the pipeline's
 *   watermark is at most the shard's, which only this batch moves. So a batch never writes a row
 *   or pane the closer may be closing, and closing needs no hold.
 * - Whether an event counts never depends on how far behind another shard happens to be.
 */
export function setEventCuts(
  events: readonly DecodedEvent[],
  storedNewest: ReadonlyMap<string, number>,
  claimed: number,
  outOfOrderMs: number,
): void {
  const order = events
    .map((_, i) => i)
    .sort((a, b) => {
      const x = (events[a] as DecodedEvent).record;
      const y = (events[b] as DecodedEvent).record;
      if (x.shardId !== y.shardId) return x.shardId < y.shardId ? -1 : 1;
      return x.sequenceNumber < y.sequenceNumber ? -1 : x.sequenceNumber > y.sequenceNumber ? 1 : 0;
    });
  const newest = new Map(storedNewest);
  for (const i of order) {
    const event = events[i] as DecodedEvent;
    const shard = event.record.shardId;
    const seen = Math.max(newest.get(shard) ?? Number.NEGATIVE_INFINITY, event.time);
    newest.set(shard, seen);
    event.cut = Math.max(claimed, shardWatermark(seen, outOfOrderMs));
  }
}
