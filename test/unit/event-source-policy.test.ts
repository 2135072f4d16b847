import { describe, expect, it } from 'vitest';
import { batchLength, laneOf, readyAt } from '#lib/emulator/event-source/batching';
import { CheckpointTracker } from '#lib/emulator/event-source/checkpoint-tracker';
import { EventSourceSettingsError } from '#lib/emulator/event-source/errors';
import type { EventRecord } from '#lib/emulator/event-source/event-record';
import {
  afterInvocation,
  outcomeOf,
  splitExpired,
} from '#lib/emulator/event-source/failure-policy';
import { eventSourceSettings } from '#lib/emulator/event-source/settings';

function records(n: number, bytes = 100, arrivedAt = 0): EventRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    lambda: { kinesis: { sequenceNumber: String(1000 + i) } } as EventRecord['lambda'],
    sequenceNumber: BigInt(1000 + i),
    partitionKey: `k${i}`,
    arrivedAt,
    payloadBytes: bytes,
  }));
}

describe('event-source settings', () => {
  it("fills in Lambda's defaults", () => {
    const s = eventSourceSettings();
    expect(s).toMatchObject({
      startingPosition: 'TRIM_HORIZON',
      batchSize: 100,
      maxBatchingWindowSeconds: 0,
      bisectBatchOnError: false,
      retryAttempts: -1,
      maxRecordAgeSeconds: -1,
      parallelizationFactor: 1,
      reportBatchItemFailures: false,
    });
  });

  it.each([
    [{ batchSize: 10_001 }, 'batchSize'],
    [{ parallelizationFactor: 11 }, 'parallelizationFactor'],
    [{ maxRecordAgeSeconds: 30 }, 'maxRecordAgeSeconds: must be -1 or 60 to 604800 seconds'],
    [{ maxBatchingWindowSeconds: 301 }, 'maxBatchingWindowSeconds'],
    [{ startingPosition: 'AT_TIMESTAMP' as const }, 'startingPositionTimestamp: required'],
    [{ startingPositionTimestamp: 5 }, 'only valid with startingPosition AT_TIMESTAMP'],
  ])('rejects %j naming the setting', (input, message) => {
    expect(() => eventSourceSettings(input)).toThrow(EventSourceSettingsError);
    expect(() => eventSourceSettings(input)).toThrow(message);
  });
});

describe('batching', () => {
  it('spreads keys over lanes stably', () => {
    const lanes = Array.from({ length: 400 }, (_, i) => laneOf(`key-${i}`, 4));
    expect(new Set(lanes)).toEqual(new Set([0, 1, 2, 3]));
    expect(lanes).toEqual(Array.from({ length: 400 }, (_, i) => laneOf(`key-${i}`, 4)));
    expect(laneOf('anything', 1)).toBe(0);
  });

  it('cuts a batch at the batch size and at the payload limit, never below one record', () => {
    expect(batchLength(records(250), 100, 6_000_000)).toBe(100);
    expect(batchLength(records(250, 1000), 100, 10_014)).toBe(10);
    expect(batchLength(records(3, 9_000_000), 100, 6_000_000)).toBe(1);
  });

  it('is ready when full or draining, else when the batching window ends', () => {
    const settings = { batchSize: 10, maxBatchingWindowSeconds: 2 };
    expect(readyAt({ records: [], bytes: 0, since: 5 }, settings, 1e6, false)).toBeUndefined();
    expect(readyAt({ records: records(3), bytes: 300, since: 5 }, settings, 1e6, false)).toBe(2005);
    expect(readyAt({ records: records(3), bytes: 300, since: 5 }, settings, 1e6, true)).toBe(0);
    expect(readyAt({ records: records(10), bytes: 1000, since: 5 }, settings, 1e6, false)).toBe(0);
  });
});

describe('checkpoint tracker', () => {
  it('moves only over an unbroken run of finished records', () => {
    const t = new CheckpointTracker(5n);
    for (const s of [10n, 11n, 12n, 13n]) t.add(s);
    t.complete([11n, 13n]);
    expect(t.advance()).toBeUndefined();
    expect(t.checkpoint).toBe(5n);
    t.complete([10n]);
    expect(t.advance()).toBe(11n);
    t.complete([12n]);
    expect(t.advance()).toBe(13n);
    expect(t.outstanding).toBe(0);
  });
});

describe("Lambda's failure rules", () => {
  const policy = { bisectBatchOnError: false, retryAttempts: 2 };

  it('finishes the records before a partial failure and retries from it', () => {
    const batch = records(10);
    const d = afterInvocation(
      { records: batch, retries: 0 },
      { kind: 'partial', failedSequenceNumber: '1004' },
      policy,
    );
    expect(d.done.map((r) => r.sequenceNumber)).toEqual([1000n, 1001n, 1002n, 1003n]);
    expect(d.retry).toEqual([{ records: batch.slice(4), retries: 1 }]);
  });

  it('splits on an error with bisect on, without using a retry', () => {
    const batch = records(5);
    const d = afterInvocation(
      { records: batch, retries: 1 },
      { kind: 'error', error: new Error('x') },
      { ...policy, bisectBatchOnError: true },
    );
    expect(d.retry.map((a) => [a.records.length, a.retries])).toEqual([
      [3, 1],
      [2, 1],
    ]);
  });

  it('gives up past the retry quota, and never with -1', () => {
    const error = { kind: 'error', error: new Error('x') } as const;
    expect(
      afterInvocation({ records: records(2), retries: 2 }, error, policy).exhausted,
    ).toHaveLength(2);
    const forever = afterInvocation({ records: records(2), retries: 9999 }, error, {
      ...policy,
      retryAttempts: -1,
    });
    expect(forever.retry).toHaveLength(1);
  });

  it('reads batchItemFailures only with ReportBatchItemFailures, and fails the batch on an unknown id', () => {
    const batch = records(3);
    const response = {
      batchItemFailures: [{ itemIdentifier: '1002' }, { itemIdentifier: '1001' }],
    };
    expect(outcomeOf(response, batch, false)).toEqual({ kind: 'ok' });
    expect(outcomeOf(response, batch, true)).toEqual({
      kind: 'partial',
      failedSequenceNumber: '1001',
    });
    expect(outcomeOf({ batchItemFailures: [{ itemIdentifier: '' }] }, batch, true).kind).toBe(
      'error',
    );
    expect(outcomeOf(undefined, batch, true)).toEqual({ kind: 'ok' });
  });

  it('discards records older than the maximum record age', () => {
    const old = records(2, 100, 1_000);
    const fresh = records(1, 100, 100_000);
    const { expired, fresh: kept } = splitExpired([...old, ...fresh], 100_500, 60);
    expect(expired).toHaveLength(2);
    expect(kept).toHaveLength(1);
    expect(splitExpired(old, 10 ** 12, -1).expired).toHaveLength(0);
  });
});
