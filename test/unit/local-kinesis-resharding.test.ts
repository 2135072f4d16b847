import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evenRange } from '#lib/stack/kinesis/engine/hash-keys';
import { engineFixture } from '../helpers/kinesis-engine-fixture.ts';

type Step = { kind: 'put'; count: number } | { kind: 'scale'; factor: number };

const step = fc.oneof(
  fc.record({ kind: fc.constant('put' as const), count: fc.integer({ min: 1, max: 60 }) }),
  fc.record({
    kind: fc.constant('scale' as const),
    factor: fc.double({ min: 0.5, max: 2, noNaN: true }),
  }),
);

describe('local Kinesis engine: UpdateShardCount', () => {
  it('GIVEN any puts and uniform scalings THEN the open shards are even, lineage covers each parent, and reading parents first returns every record once, each key in order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(step, { maxLength: 12 }),
        (start, steps: Step[]) => {
          const { call, put, readShard, shards } = engineFixture('off');
          call('CreateStream', { StreamName: 's', ShardCount: start });
          let next = 0;
          let open = start;
          for (const s of steps) {
            if (s.kind === 'put') {
              put(
                's',
                Array.from({ length: s.count }, () => ({
                  data: String(next),
                  key: `k${next++ % 17}`,
                })),
              );
              continue;
            }
            const target = Math.max(1, Math.min(64, Math.round(open * s.factor)));
            if (target * 2 < open || target > open * 2) continue;
            call('UpdateShardCount', {
              StreamName: 's',
              TargetShardCount: target,
              ScalingType: 'UNIFORM_SCALING',
            });
            open = target;
            const now = shards('s')
              .filter((x) => x.SequenceNumberRange.EndingSequenceNumber === undefined)
              .sort((a, b) =>
                BigInt(a.HashKeyRange.StartingHashKey) < BigInt(b.HashKeyRange.StartingHashKey)
                  ? -1
                  : 1,
              );
            expect(
              now.map((x) => [
                BigInt(x.HashKeyRange.StartingHashKey),
                BigInt(x.HashKeyRange.EndingHashKey),
              ]),
            ).toEqual(
              Array.from({ length: target }, (_, i) => [
                evenRange(i, target).start,
                evenRange(i, target).end,
              ]),
            );
          }
          const all = shards('s');
          // Each closed shard's children tile exactly its hash key range.
          for (const parent of all.filter(
            (x) => x.SequenceNumberRange.EndingSequenceNumber !== undefined,
          )) {
            const children = all
              .filter(
                (c) =>
                  c.ParentShardId === parent.ShardId || c.AdjacentParentShardId === parent.ShardId,
              )
              .map(
                (c) =>
                  [
                    BigInt(c.HashKeyRange.StartingHashKey),
                    BigInt(c.HashKeyRange.EndingHashKey),
                  ] as const,
              )
              .sort((a, b) => (a[0] < b[0] ? -1 : 1));
            const lo = BigInt(parent.HashKeyRange.StartingHashKey);
            const hi = BigInt(parent.HashKeyRange.EndingHashKey);
            expect(children.length).toBeGreaterThan(0);
            // A merged child reaches past its parent on one side; a split's children tile it.
            const inside = children.filter(([a, b]) => b >= lo && a <= hi);
            expect(inside.length).toBe(children.length);
            expect(inside[0]?.[0]).toBeLessThanOrEqual(lo);
            expect(inside[inside.length - 1]?.[1]).toBeGreaterThanOrEqual(hi);
            for (let i = 1; i < inside.length; i++) {
              expect(inside[i]?.[0]).toBe((inside[i - 1]?.[1] ?? 0n) + 1n);
            }
          }
          // Read parents before children, as Lambda does.
          const done = new Set<string>();
          const seen: { data: string; key: string }[] = [];
          while (done.size < all.length) {
            const ready = all.find(
              (x) =>
                !done.has(x.ShardId) &&
                [x.ParentShardId, x.AdjacentParentShardId].every(
                  (p) => p === undefined || done.has(p),
                ),
            );
            if (!ready) throw new Error('a shard waits on a parent that never ends');
            const read = readShard('s', ready.ShardId);
            expect(read.ended).toBe(ready.SequenceNumberRange.EndingSequenceNumber !== undefined);
            seen.push(...read.records);
            done.add(ready.ShardId);
          }
          expect(seen.map((r) => Number(r.data)).sort((a, b) => a - b)).toEqual([
            ...Array(next).keys(),
          ]);
          const byKey = new Map<string, number[]>();
          for (const r of seen) byKey.set(r.key, [...(byKey.get(r.key) ?? []), Number(r.data)]);
          for (const order of byKey.values())
            expect(order).toEqual([...order].sort((a, b) => a - b));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("ends a closed shard's reading with its children, each naming the parent", () => {
    const { call, put, clock } = engineFixture();
    call('CreateStream', { StreamName: 's', ShardCount: 1 });
    put('s', [{ data: 'a', key: 'a' }]);
    call('UpdateShardCount', {
      StreamName: 's',
      TargetShardCount: 2,
      ScalingType: 'UNIFORM_SCALING',
    });
    const it = call('GetShardIterator', {
      StreamName: 's',
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'TRIM_HORIZON',
    });
    const last = call('GetRecords', { ShardIterator: it.ShardIterator }) as {
      Records: unknown[];
      NextShardIterator?: string;
      ChildShards?: { ShardId: string; ParentShards: string[] }[];
    };
    expect(last.Records).toHaveLength(1);
    expect(last.NextShardIterator).toBeUndefined();
    expect(last.ChildShards).toEqual([
      expect.objectContaining({
        ShardId: 'shardId-000000000001',
        ParentShards: ['shardId-000000000000'],
      }),
      expect.objectContaining({
        ShardId: 'shardId-000000000002',
        ParentShards: ['shardId-000000000000'],
      }),
    ]);
    // The open children take new records; the parent takes none.
    clock.now += 1000;
    const placed = put('s', [{ data: 'b', key: 'a' }]);
    expect(placed.FailedRecordCount).toBe(0);
    expect(['shardId-000000000001', 'shardId-000000000002']).toContain(placed.Records[0]?.ShardId);
  });

  it('refuses a target beyond double or below half the open shards, and a reshard while UPDATING', () => {
    const { call, failure, engine } = engineFixture();
    call('CreateStream', { StreamName: 's', ShardCount: 4 });
    const scale = (n: number) =>
      failure('UpdateShardCount', {
        StreamName: 's',
        TargetShardCount: n,
        ScalingType: 'UNIFORM_SCALING',
      });
    expect([scale(9), scale(1)]).toEqual(['LimitExceededException', 'LimitExceededException']);
    (engine.options as { updateMs: number }).updateMs = 60_000;
    expect(scale(8)).toBeUndefined();
    expect(call('DescribeStreamSummary', { StreamName: 's' })).toMatchObject({
      StreamDescriptionSummary: { StreamStatus: 'UPDATING', OpenShardCount: 4 },
    });
    expect(scale(2)).toBe('ResourceInUseException');
  });
});
