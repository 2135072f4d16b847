import type { PutRecordsResultEntry } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '#lib/demo/seeded-random';
import { KinesisSender, type SenderOptions } from '#lib/kinesis/kinesis-sender';
import type { OutgoingRecord } from '#lib/kinesis/outgoing-record';
import type { PutRecordsCall } from '#lib/kinesis/put-records-call';

const THROTTLED = {
  ErrorCode: 'ProvisionedThroughputExceededException',
  ErrorMessage: 'Rate exceeded for shard shardId-000000000000',
};

function records(n: number): OutgoingRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    data: Buffer.from(String(i)),
    partitionKey: `k${i}`,
    ref: `event ${i}`,
  }));
}

function ok(): PutRecordsResultEntry {
  return { SequenceNumber: '1', ShardId: 'shardId-000000000000' };
}

/** A sender that never really waits, with the delays it asked for. */
function sender(put: PutRecordsCall, options: Partial<SenderOptions<OutgoingRecord>> = {}) {
  const delays: number[] = [];
  const failed: string[] = [];
  const s = new KinesisSender({
    put,
    random: seededRandom(7),
    sleep: async (ms) => {
      delays.push(ms);
    },
    onFailed: (r, reason) => failed.push(`${r.ref}: ${reason}`),
    ...options,
  });
  return { s, delays, failed };
}

async function sendAll(s: KinesisSender, items: OutgoingRecord[]) {
  for (const r of items) await s.add(r);
  return s.flush();
}

describe('KinesisSender', () => {
  it('re-sends only the entries a call reports as throttled', async () => {
    const calls: string[][] = [];
    const put: PutRecordsCall = async (batch) => {
      calls.push(batch.map((r) => r.ref));
      // The first call fails every third entry; later calls succeed.
      return batch.map((_, i) => (calls.length === 1 && i % 3 === 0 ? THROTTLED : ok()));
    };
    const { s, delays } = sender(put);
    const counts = await sendAll(s, records(10));
    expect(calls).toEqual([
      records(10).map((r) => r.ref),
      ['event 0', 'event 3', 'event 6', 'event 9'],
    ]);
    expect(counts).toEqual({ sent: 10, retried: 4, failed: 0, calls: 2, rejectedCalls: 0 });
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeLessThan(100);
  });

  it('sends a call throttled as a whole again, with growing backoff', async () => {
    let calls = 0;
    const put: PutRecordsCall = async (batch) => {
      calls += 1;
      if (calls <= 3) {
        throw Object.assign(new Error('Rate exceeded'), {
          name: 'ProvisionedThroughputExceededException',
          $metadata: { httpStatusCode: 400 },
        });
      }
      return batch.map(ok);
    };
    const { s, delays } = sender(put, { random: () => 0.999 });
    const counts = await sendAll(s, records(5));
    expect(counts).toEqual({ sent: 5, retried: 15, failed: 0, calls: 4, rejectedCalls: 3 });
    expect(delays).toEqual([99, 199, 399]);
  });

  it('gives up on a record after maxAttempts and counts it failed', async () => {
    const put: PutRecordsCall = async (batch) =>
      batch.map((r) => (r.ref === 'event 1' ? THROTTLED : ok()));
    const { s, failed } = sender(put, { maxAttempts: 3 });
    const counts = await sendAll(s, records(3));
    expect(counts).toMatchObject({ sent: 2, failed: 1, retried: 2, calls: 3 });
    expect(failed).toEqual([
      'event 1: ProvisionedThroughputExceededException: Rate exceeded for shard shardId-000000000000 (3 attempts)',
    ]);
  });

  it("gives each record it gives up on its own last reason, not its call's first", async () => {
    const internal = { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure' };
    const put: PutRecordsCall = async (batch) =>
      batch.map((r) => (r.ref === 'event 0' ? THROTTLED : r.ref === 'event 1' ? internal : ok()));
    const { s, failed } = sender(put, { maxAttempts: 2 });
    await sendAll(s, records(3));
    expect(failed).toEqual([
      'event 0: ProvisionedThroughputExceededException: Rate exceeded for shard shardId-000000000000 (2 attempts)',
      'event 1: InternalFailure: Internal service failure (2 attempts)',
    ]);
  });

  it('counts a record refused for good as failed without retrying it', async () => {
    const put: PutRecordsCall = async (batch) =>
      batch.map((_, i) =>
        i === 0 ? { ErrorCode: 'KMSAccessDeniedException', ErrorMessage: 'no key' } : ok(),
      );
    const { s, failed } = sender(put);
    expect(await sendAll(s, records(2))).toMatchObject({ sent: 1, failed: 1, retried: 0 });
    expect(failed).toEqual(['event 0: KMSAccessDeniedException: no key']);
  });

  it('stops at an error that is not worth retrying', async () => {
    const put: PutRecordsCall = async () => {
      throw Object.assign(new Error('Stream x not found'), { name: 'ResourceNotFoundException' });
    };
    const { s } = sender(put);
    await expect(sendAll(s, records(3))).rejects.toThrow(/Stream x not found/);
  });

  it('keeps at most `concurrency` calls in flight and batches of at most 500', async () => {
    let inFlight = 0;
    let most = 0;
    const sizes: number[] = [];
    const put: PutRecordsCall = async (batch) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      sizes.push(batch.length);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      return batch.map(ok);
    };
    const { s } = sender(put, { concurrency: 3 });
    const counts = await sendAll(s, records(5200));
    expect(counts.sent).toBe(5200);
    expect(most).toBe(3);
    expect(sizes).toEqual([...Array.from({ length: 10 }, () => 500), 200]);
  });

  it('sends a part-filled batch after the linger time while the producer is slow', async () => {
    const sizes: number[] = [];
    const put: PutRecordsCall = async (batch) => {
      sizes.push(batch.length);
      return batch.map(ok);
    };
    const { s } = sender(put, { lingerMs: 10 });
    const items = records(3);
    for (const r of items) {
      await s.add(r);
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    expect(sizes).toEqual([1, 1, 1]);
    expect((await s.flush()).sent).toBe(3);
  });
});
