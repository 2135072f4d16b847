import type { OutgoingRecord } from '#lib/kinesis/outgoing-record';

/** Every event's JSON is this long: the "events of 200 B". */
export const EVENT_BYTES = 200;

/** Distinct keys of the ordinary events (a probe has a key of its own). */
export const EVENT_KEYS = 1000;

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

/** The i-th ordinary event, with event time `now` (keys round-robin, so every key is busy). */
export function ordinaryEvent(i: number, now: number): LoadRecord {
  return loadRecord(`k${i % EVENT_KEYS}`, now, i % 1000, `event ${i}`);
}

/** A probe: an event with a key no other event has, so its window row appears only for it. */
export function probeEvent(key: string, now: number): LoadRecord {
  return { ...loadRecord(key, now, 1, `probe ${key}`), probe: { key, ts: now } };
}

/** The key a record carries, read back from what the handler was given (base64 JSON). */
export function keyOfData(base64: string): string | undefined {
  const parsed = JSON.parse(Buffer.from(base64, 'base64').toString('utf8')) as { key?: unknown };
  return typeof parsed.key === 'string' ? parsed.key : undefined;
}
