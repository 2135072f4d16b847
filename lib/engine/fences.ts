import type { DecodedEvent } from './decode-event.ts';

/**
 * The events a row has not folded in yet: those above the row's fence for their shard. Within a
 * shard a row's events are handled in sequence order, so everything at or under the fence is in.
 */
export function aboveFences(
  events: readonly DecodedEvent[],
  fences: ReadonlyMap<string, bigint> | undefined,
): DecodedEvent[] {
  if (!fences || fences.size === 0) return [...events];
  return events.filter((e) => {
    const fence = fences.get(e.record.shardId);
    return fence === undefined || e.record.sequenceNumber > fence;
  });
}

/** The fences after folding `events` in: each shard's fence moves to its highest sequence number. */
export function raiseFences(
  fences: ReadonlyMap<string, bigint> | undefined,
  events: readonly DecodedEvent[],
): Map<string, bigint> {
  const next = new Map(fences ?? []);
  for (const { record } of events) {
    const current = next.get(record.shardId);
    if (current === undefined || record.sequenceNumber > current) {
      next.set(record.shardId, record.sequenceNumber);
    }
  }
  return next;
}
