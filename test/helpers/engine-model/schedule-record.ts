import type { InputRecord } from '#lib/records/input-record';

const encoder = new TextEncoder();

/** A record of the schedule pipeline's stream (scenario.ts): key `k`, time `ts`, value `v`. */
export function scheduleRecord(
  shardId: string,
  seq: number,
  key: string,
  ts: number,
  v = 1,
): InputRecord {
  return {
    shardId,
    sequenceNumber: BigInt(seq),
    partitionKey: key,
    data: encoder.encode(JSON.stringify({ k: key, ts, v })),
    arrivedAt: ts,
  };
}
