import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evenRange, hashKeyOf, MAX_HASH_KEY } from '#lib/stack/kinesis/engine/hash-keys';
import { parseSequenceNumber, sequenceNumber } from '#lib/stack/kinesis/engine/sequence-numbers';
import { engineFixture } from '../helpers/kinesis-engine-fixture.ts';

const records = (n: number, key = (i: number) => `k${i}`, from = 0) =>
  Array.from({ length: n }, (_, i) => ({ data: `r${from + i}`, key: key(from + i) }));

describe('local Kinesis engine: layout and sequence numbers', () => {
  it('lays N shards over the whole hash key space, edge to edge', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), (n) => {
        const ranges = Array.from({ length: n }, (_, i) => evenRange(i, n));
        expect(ranges[0]?.start).toBe(0n);
        expect(ranges[n - 1]?.end).toBe(MAX_HASH_KEY);
        for (let i = 1; i < n; i++) expect(ranges[i]?.start).toBe((ranges[i - 1]?.end ?? 0n) + 1n);
      }),
    );
    // Kinesis' own boundary for two shards.
    expect(evenRange(1, 2).start.toString()).toBe('170141183460469231731687303715884105728');
  });

  it('numbers records so that BigInt order is place order, and parses what it writes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 42 }),
        fc.integer({ min: 0, max: 999_999 }),
        fc.array(fc.nat({ max: Number.MAX_SAFE_INTEGER }), { minLength: 2, maxLength: 20 }),
        (epoch, shard, places) => {
          const numbers = places.map((p) => sequenceNumber(epoch, shard, p));
          for (const [i, n] of numbers.entries()) {
            expect(n).toHaveLength(56);
            expect(parseSequenceNumber(n)).toEqual({
              streamEpoch: epoch,
              shardIndex: shard,
              place: places[i],
            });
          }
          const byBigInt = [...numbers].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
          expect(byBigInt.map((n) => parseSequenceNumber(n)?.place)).toEqual(
            [...places].sort((a, b) => a - b),
          );
        },
      ),
    );
  });

  it('routes a record by the MD5 of its partition key, or by its explicit hash key', () => {
    const { call, put } = engineFixture();
    call('CreateStream', { StreamName: 's', ShardCount: 4 });
    const keys = records(200).map((r) => r.key);
    const result = put(
      's',
      keys.map((key) => ({ data: 'x', key })),
    );
    for (const [i, key] of keys.entries()) {
      const index = Number((hashKeyOf(key) * 4n) / (MAX_HASH_KEY + 1n));
      expect(result.Records[i]?.ShardId).toBe(`shardId-00000000000${index}`);
    }
    const explicit = call('PutRecord', {
      StreamName: 's',
      Data: 'eA==',
      PartitionKey: 'anything',
      ExplicitHashKey: MAX_HASH_KEY.toString(),
    });
    expect(explicit.ShardId).toBe('shardId-000000000003');
  });
});

describe('local Kinesis engine: reading', () => {
  it('reads back every record of a shard once, in the order put, from any iterator type', () => {
    const { call, put, readShard, clock } = engineFixture();
    call('CreateStream', { StreamName: 's', ShardCount: 1 });
    put('s', records(300));
    clock.now += 5000;
    const mid = clock.now;
    put('s', records(200, undefined, 300));
    const all = readShard('s', 'shardId-000000000000').records;
    expect(all.map((r) => r.data)).toEqual(records(500).map((r) => r.data));

    const iterator = (type: string, extra: Record<string, unknown> = {}) =>
      call('GetShardIterator', {
        StreamName: 's',
        ShardId: 'shardId-000000000000',
        ShardIteratorType: type,
        ...extra,
      }).ShardIterator;
    const first = (it: unknown) => {
      clock.now += 1000;
      const page = call('GetRecords', { ShardIterator: it, Limit: 1 }) as {
        Records: { Data: string }[];
      };
      return page.Records[0] ? Buffer.from(page.Records[0].Data, 'base64').toString() : undefined;
    };
    expect(first(iterator('AT_SEQUENCE_NUMBER', { StartingSequenceNumber: all[41]?.seq }))).toBe(
      'r41',
    );
    expect(first(iterator('AFTER_SEQUENCE_NUMBER', { StartingSequenceNumber: all[41]?.seq }))).toBe(
      'r42',
    );
    expect(first(iterator('AT_TIMESTAMP', { Timestamp: mid / 1000 }))).toBe('r300');
    expect(first(iterator('LATEST'))).toBeUndefined();
  });

  it('refuses a sequence number from another shard or stream', () => {
    const { call, put, failure } = engineFixture();
    call('CreateStream', { StreamName: 's', ShardCount: 2 });
    const result = call('PutRecord', { StreamName: 's', Data: 'eA==', PartitionKey: 'p' }) as {
      ShardId: string;
      SequenceNumber: string;
    };
    put('s', records(10));
    const other =
      result.ShardId === 'shardId-000000000000' ? 'shardId-000000000001' : 'shardId-000000000000';
    expect(
      failure('GetShardIterator', {
        StreamName: 's',
        ShardId: other,
        ShardIteratorType: 'AT_SEQUENCE_NUMBER',
        StartingSequenceNumber: result.SequenceNumber,
      }),
    ).toBe('InvalidArgumentException');
  });

  it('answers 10,000 records or 10 MiB at most per GetRecords, and says how far behind the reader is', () => {
    const { call, clock } = engineFixture('off');
    call('CreateStream', { StreamName: 's', ShardCount: 1 });
    const big = 'x'.repeat(1024 * 1024 - 8);
    for (let i = 0; i < 12; i++) {
      call('PutRecord', {
        StreamName: 's',
        Data: Buffer.from(big).toString('base64'),
        PartitionKey: 'p',
      });
    }
    for (let i = 0; i < 24; i++) {
      call('PutRecords', {
        StreamName: 's',
        Records: records(500).map((r) => ({ Data: 'eA==', PartitionKey: r.key })),
      });
    }
    clock.now += 7000;
    const it = call('GetShardIterator', {
      StreamName: 's',
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'TRIM_HORIZON',
    });
    const page = call('GetRecords', { ShardIterator: it.ShardIterator }) as {
      Records: unknown[];
      MillisBehindLatest: number;
      NextShardIterator: string;
    };
    expect(page.Records).toHaveLength(10);
    expect(page.MillisBehindLatest).toBe(7000);
    const rest = call('GetRecords', { ShardIterator: page.NextShardIterator }) as {
      Records: unknown[];
      MillisBehindLatest: number;
      NextShardIterator: string;
    };
    expect(rest.Records).toHaveLength(10_000);
    const tail = call('GetRecords', { ShardIterator: rest.NextShardIterator }) as {
      Records: unknown[];
      MillisBehindLatest: number;
    };
    expect(tail.Records).toHaveLength(2 + 12_000 - 10_000);
    expect(tail.MillisBehindLatest).toBe(0);
  });

  it('expires an iterator after five minutes, and records after the retention period', () => {
    const { call, put, clock, failure, readShard } = engineFixture();
    call('CreateStream', { StreamName: 's', ShardCount: 1 });
    put('s', records(5));
    const it = call('GetShardIterator', {
      StreamName: 's',
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'TRIM_HORIZON',
    });
    clock.now += 300_001;
    expect(failure('GetRecords', { ShardIterator: it.ShardIterator })).toBe(
      'ExpiredIteratorException',
    );
    clock.now += 24 * 3_600_000 - 300_000;
    put('s', records(3, undefined, 5));
    expect(readShard('s', 'shardId-000000000000').records.map((r) => r.data)).toEqual([
      'r5',
      'r6',
      'r7',
    ]);
  });
});

describe("local Kinesis engine: a real shard's limits", () => {
  it('admits 1,000 records a second per shard and refuses the rest of the call with ProvisionedThroughputExceeded', () => {
    const { call, put, clock, failure } = engineFixture();
    call('CreateStream', { StreamName: 's', ShardCount: 1 });
    const first = put(
      's',
      records(500, () => 'p'),
    );
    const second = put(
      's',
      records(500, () => 'p', 500),
    );
    const third = put(
      's',
      records(500, () => 'p', 1000),
    );
    expect([first.FailedRecordCount, second.FailedRecordCount, third.FailedRecordCount]).toEqual([
      0, 0, 500,
    ]);
    expect(third.Records[0]?.ErrorCode).toBe('ProvisionedThroughputExceededException');
    expect(failure('PutRecord', { StreamName: 's', Data: 'eA==', PartitionKey: 'p' })).toBe(
      'ProvisionedThroughputExceededException',
    );
    clock.now += 250;
    expect(
      put(
        's',
        records(500, () => 'p', 1500),
      ).FailedRecordCount,
    ).toBe(250);
  });

  it('admits 1 MiB a second per shard', () => {
    const { call, clock, failure } = engineFixture();
    call('CreateStream', { StreamName: 's', ShardCount: 1 });
    const data = Buffer.alloc(300 * 1024).toString('base64');
    const put = () => failure('PutRecord', { StreamName: 's', Data: data, PartitionKey: 'p' });
    expect([put(), put(), put(), put()]).toEqual([
      undefined,
      undefined,
      undefined,
      'ProvisionedThroughputExceededException',
    ]);
    clock.now += 300;
    expect(put()).toBeUndefined();
  });

  it('serves 5 GetRecords calls a second per shard, and after a large read waits until 2 MiB/s repays it', () => {
    const { call, clock, failure } = engineFixture();
    call('CreateStream', { StreamName: 's', ShardCount: 1 });
    const it = call('GetShardIterator', {
      StreamName: 's',
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'LATEST',
    }).ShardIterator;
    const read = () => failure('GetRecords', { ShardIterator: it });
    expect([read(), read(), read(), read(), read(), read()]).toEqual([
      ...Array(5).fill(undefined),
      'ProvisionedThroughputExceededException',
    ]);
    clock.now += 200;
    expect(read()).toBeUndefined();

    const data = Buffer.alloc(1000 * 1024).toString('base64');
    for (let i = 0; i < 6; i++) {
      clock.now += 1000;
      call('PutRecord', { StreamName: 's', Data: data, PartitionKey: 'p' });
    }
    clock.now += 1000;
    const horizon = call('GetShardIterator', {
      StreamName: 's',
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'TRIM_HORIZON',
    }).ShardIterator;
    expect(
      (call('GetRecords', { ShardIterator: horizon }) as { Records: unknown[] }).Records,
    ).toHaveLength(6);
    clock.now += 1000;
    expect(failure('GetRecords', { ShardIterator: horizon })).toBe(
      'ProvisionedThroughputExceededException',
    );
    clock.now += 1000;
    expect(failure('GetRecords', { ShardIterator: horizon })).toBeUndefined();
  });

  it('refuses nothing when its limits are off (CASSFLOW_KINESIS_SHARD_LIMITS=off)', () => {
    const { call, put } = engineFixture('off');
    call('CreateStream', { StreamName: 's', ShardCount: 1 });
    for (let i = 0; i < 10; i++)
      expect(
        put(
          's',
          records(500, () => 'p'),
        ).FailedRecordCount,
      ).toBe(0);
  });

  it('holds at most its records-per-shard bound, dropping the oldest first, and keeps places valid', () => {
    const { call, put, readShard } = engineFixture('off', 5000);
    call('CreateStream', { StreamName: 's', ShardCount: 1 });
    for (let i = 0; i < 24; i++)
      put(
        's',
        records(500, () => 'p', i * 500),
      );
    const held = readShard('s', 'shardId-000000000000').records;
    expect(held).toHaveLength(5000);
    expect(held[0]?.data).toBe('r7000');
    expect(held[4999]?.data).toBe('r11999');
  });

  it("refuses a record whose data and partition key together pass 1 MiB, and an AFTER_SEQUENCE_NUMBER past the shard's last record", () => {
    const { call, failure, clock } = engineFixture();
    call('CreateStream', { StreamName: 's', ShardCount: 1 });
    const data = Buffer.alloc(1024 * 1024 - 10).toString('base64');
    expect(
      failure('PutRecord', { StreamName: 's', Data: data, PartitionKey: 'x'.repeat(11) }),
    ).toBe('InvalidArgumentException');
    expect(
      failure('PutRecord', { StreamName: 's', Data: data, PartitionKey: 'x'.repeat(10) }),
    ).toBeUndefined();
    clock.now += 1000; // the 1 MiB put took the shard's second
    const last = call('PutRecord', { StreamName: 's', Data: 'eA==', PartitionKey: 'p' });
    const parsed = parseSequenceNumber(String(last.SequenceNumber));
    if (!parsed) throw new Error('not a sequence number');
    const next = sequenceNumber(parsed.streamEpoch, parsed.shardIndex, parsed.place + 1);
    const at = (type: string, seq: string) =>
      failure('GetShardIterator', {
        StreamName: 's',
        ShardId: 'shardId-000000000000',
        ShardIteratorType: type,
        StartingSequenceNumber: seq,
      });
    expect(at('AFTER_SEQUENCE_NUMBER', String(last.SequenceNumber))).toBeUndefined();
    expect(at('AFTER_SEQUENCE_NUMBER', next)).toBe('InvalidArgumentException');
  });
});
