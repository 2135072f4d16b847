import { describe, expect, it } from 'vitest';
import { backoffDelay } from '#lib/kinesis/backoff';
import { BatchBuilder } from '#lib/kinesis/batch-builder';
import {
  type OutgoingRecord,
  PUT_RECORDS_LIMITS,
  recordBytes,
  recordProblem,
} from '#lib/kinesis/outgoing-record';

const MiB = 1024 * 1024;

function record(dataBytes: number, partitionKey = 'k', ref = 'r'): OutgoingRecord {
  return { data: new Uint8Array(dataBytes), partitionKey, ref };
}

/** Every batch a stream of records makes, the last part-filled one included. */
function batchesOf(records: OutgoingRecord[]): OutgoingRecord[][] {
  const builder = new BatchBuilder();
  const batches: OutgoingRecord[][] = [];
  for (const r of records) {
    const full = builder.add(r);
    if (full) batches.push(full);
  }
  const rest = builder.take();
  if (rest.length > 0) batches.push(rest);
  return batches;
}

describe('PutRecords batching', () => {
  it('cuts batches at 500 records, the moment the 500th arrives', () => {
    const builder = new BatchBuilder();
    for (let i = 0; i < 499; i++) expect(builder.add(record(10))).toBeUndefined();
    expect(builder.add(record(10))).toHaveLength(500);
    expect(builder.size).toBe(0);

    const sizes = batchesOf(Array.from({ length: 1234 }, () => record(10))).map((b) => b.length);
    expect(sizes).toEqual([500, 500, 234]);
  });

  it('keeps each request within 5 MiB of data and partition keys', () => {
    // 300 KiB records: 17 fit into 5 MiB with their keys, an 18th would not.
    const records = Array.from({ length: 40 }, () => record(300 * 1024, 'key-12345'));
    const batches = batchesOf(records);
    expect(batches.map((b) => b.length)).toEqual([17, 17, 6]);
    for (const batch of batches) {
      const bytes = batch.reduce((sum, r) => sum + recordBytes(r), 0);
      expect(bytes).toBeLessThanOrEqual(PUT_RECORDS_LIMITS.requestBytes);
    }
    expect(batches.flat()).toHaveLength(40);
  });

  it('counts the partition key against the request limit', () => {
    // Five records of exactly 1 MiB of data fill 5 MiB; their keys tip it over.
    expect(batchesOf(Array.from({ length: 5 }, () => record(MiB - 1, 'k'))).length).toBe(1);
    expect(batchesOf(Array.from({ length: 5 }, () => record(MiB - 1, 'kk'))).length).toBe(2);
  });

  it('keeps the records in their order across batches', () => {
    const records = Array.from({ length: 1100 }, (_, i) => record(1, 'k', `r${i}`));
    expect(
      batchesOf(records)
        .flat()
        .map((r) => r.ref),
    ).toEqual(records.map((r) => r.ref));
  });

  it('refuses a record above 1 MiB of data and partition key, naming the size', () => {
    expect(recordProblem(record(MiB - 1, 'k'))).toBeUndefined();
    expect(recordProblem(record(MiB, 'k'))).toMatch(/1048577 bytes .* more than the 1048576/);
    expect(recordProblem(record(MiB - 3, 'key'))).toBeUndefined();
    expect(recordProblem(record(MiB - 2, 'key'))).toMatch(/more than the 1048576/);
  });

  it('refuses an empty partition key and one of more than 256 characters', () => {
    expect(recordProblem(record(1, ''))).toMatch(/partition key is empty/);
    expect(recordProblem(record(1, 'é'.repeat(256)))).toBeUndefined();
    expect(recordProblem(record(1, 'x'.repeat(257)))).toMatch(/257 characters, more than 256/);
  });

  it('waits a random time up to an exponential, capped bound (full jitter)', () => {
    const backoff = { baseMs: 100, capMs: 1000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, backoff, () => 0.999))).toEqual([
      99, 199, 399, 799, 999,
    ]);
    expect(backoffDelay(3, backoff, () => 0)).toBe(0);
    expect(backoffDelay(2, backoff, () => 0.5)).toBe(100);
  });
});
