import { seededRandom } from '#lib/demo/seeded-random';
import { jsonRecord, type ShardRecord, sequenceNumber } from './kinesis-events.ts';

export { seededRandom };

export type TestEvent = { user: string; ts: number; ms: number; page: string };

/**
 * `count` events over `keys` keys, spaced `stepMs` apart from `start`, each shifted by up to
 * ±`jitterMs` (out of order within that bound), spread over `shards` shards by key like Kinesis
 * does by partition key.
 */
export function eventStream(options: {
  count: number;
  keys: number;
  shards: number;
  start: number;
  stepMs: number;
  jitterMs: number;
  seed: number;
}): { events: TestEvent[]; byShard: ShardRecord[][] } {
  const random = seededRandom(options.seed);
  const byShard: ShardRecord[][] = Array.from({ length: options.shards }, () => []);
  const events: TestEvent[] = [];
  for (let i = 0; i < options.count; i++) {
    const k = Math.floor(random() * options.keys);
    const jitter = Math.round((random() * 2 - 1) * options.jitterMs);
    const event = {
      user: `user-${k}`,
      ts: options.start + i * options.stepMs + jitter,
      ms: 1 + Math.floor(random() * 1000),
      page: `/p/${Math.floor(random() * 40)}`,
    };
    events.push(event);
    const shard = k % options.shards;
    const records = byShard[shard] as ShardRecord[];
    records.push(
      jsonRecord(
        `shardId-00000000000${shard}`,
        sequenceNumber(shard, records.length),
        event,
        event.user,
      ),
    );
  }
  return { events, byShard };
}

/** Expected tumbling-window results, computed directly from the events. */
export function expectedTumbling(events: readonly TestEvent[], size: number) {
  const rows = new Map<string, { n: bigint; total: number; lo: number; hi: number }>();
  for (const e of events) {
    const start = Math.floor(e.ts / size) * size;
    const id = `${e.user}|${start}`;
    const row = rows.get(id) ?? { n: 0n, total: 0, lo: Infinity, hi: -Infinity };
    row.n += 1n;
    row.total += e.ms;
    row.lo = Math.min(row.lo, e.ms);
    row.hi = Math.max(row.hi, e.ms);
    rows.set(id, row);
  }
  return rows;
}
