import type { OutgoingRecord } from '#lib/kinesis/outgoing-record';
import { hashKeyOf, MAX_HASH_KEY } from '#lib/stack/kinesis/engine/hash-keys';

/** Every event's JSON is this long: the "events of 200 B". */
export const EVENT_BYTES = 200;

/** Distinct keys of the ordinary events (a probe has a key of its own). */
export const EVENT_KEYS = 1000;

/**
 * EVENT_KEYS keys, a quarter in each quarter of the hash key space, so that 1, 2 and 4 even shards
 * each get the same share of the events (with 1,000 random keys a shard would get up to 6 % more
 * than its share, and at a shard's full rate that share is throttled).
 */
const KEYS: readonly string[] = (() => {
  const perQuarter = EVENT_KEYS / 4;
  const quarters: string[][] = [[], [], [], []];
  for (let i = 0; quarters.some((q) => q.length < perQuarter); i++) {
    const key = `k${i}`;
    const quarter = quarters[Number((hashKeyOf(key) * 4n) / (MAX_HASH_KEY + 1n))];
    if (quarter && quarter.length < perQuarter) quarter.push(key);
  }
  return quarters.flat();
})();

/** A record on its way, and when it is a probe, what the probe needs to be found again. */
export type LoadRecord = OutgoingRecord & { probe?: { key: string; ts: number } };

/** `{"key":…,"ts":…,"v":…,"pad":"xx…"}`, padded to EVENT_BYTES. */
function eventJson(key: string, ts: number, v: number): string {
  const bare = JSON.stringify({ key, ts, v, pad: '' });
  return JSON.stringify({ key, ts, v, pad: 'x'.repeat(Math.max(0, EVENT_BYTES - bare.length)) });
}

function loadRecord(key: string, ts: number, v: number, ref: string): LoadRecord {
  return { data: Buffer.from(eventJson(key, ts, v), 'utf8'), partitionKey: key, ref };
}

/**
 * The i-th ordinary event, with event time `now`: keys taken in turn from each quarter of the
 * hash key space, so every key is busy and every shard's share is even at any moment.
 */
export function ordinaryEvent(i: number, now: number): LoadRecord {
  const perQuarter = EVENT_KEYS / 4;
  const key = KEYS[(i % 4) * perQuarter + (Math.floor(i / 4) % perQuarter)] as string;
  return loadRecord(key, now, i % 1000, `event ${i}`);
}

/** A probe: an event with a key no other event has, so its window row appears only for it. */
export function probeEvent(key: string, now: number): LoadRecord {
  return { ...loadRecord(key, now, 1, `probe ${key}`), probe: { key, ts: now } };
}
