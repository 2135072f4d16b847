import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MURMUR3,
  planTokenRanges,
  RANDOM,
  type TokenRange,
  type TokenSpace,
  tokenSpaceOf,
} from '#lib/sync/token-ranges';

/** Ranges in order, each starting where the last ended, from the space's min to its max. */
function expectExactCover(space: TokenSpace, ranges: readonly TokenRange[]) {
  expect(ranges[0]?.start).toBe(space.min);
  expect(ranges.at(-1)?.end).toBe(space.max);
  ranges.forEach((r, i) => {
    expect(r.id).toBe(i);
    expect(r.start < r.end).toBe(true);
    if (i > 0) expect(r.start).toBe(ranges[i - 1]?.end);
  });
}

/** The range holding token t: exactly one, by the same rule the query uses (start < t <= end). */
function holders(ranges: readonly TokenRange[], t: bigint) {
  return ranges.filter((r) => r.start < t && t <= r.end);
}

describe('token-range plan', () => {
  it.each([
    [MURMUR3, 1],
    [MURMUR3, 32],
    [RANDOM, 7],
  ])('splits the whole %s ring into %i even ranges', (space, splits) => {
    const ranges = planTokenRanges(space, splits);
    expect(ranges).toHaveLength(splits);
    expectExactCover(space, ranges);
  });

  it('splits the wrap-around range of a node ring at the ends of the token space', () => {
    // Prepare: two nodes at -100 and 500; the ring range (500, -100] wraps round.
    const ranges = planTokenRanges(MURMUR3, 4, [500n, -100n]);

    // Assess: node tokens are boundaries, and the wrapped range is both the first and last piece.
    expectExactCover(MURMUR3, ranges);
    expect(ranges.some((r) => r.end === -100n)).toBe(true);
    expect(ranges.some((r) => r.start === -100n)).toBe(true);
    expect(ranges.some((r) => r.end === 500n)).toBe(true);
    expect(holders(ranges, MURMUR3.max)).toHaveLength(1);
    expect(holders(ranges, MURMUR3.min + 1n)).toHaveLength(1);
  });

  it('covers every token exactly once, whatever the ring and split count (property)', () => {
    const space = fc.constantFrom(MURMUR3, RANDOM);
    fc.assert(
      fc.property(
        space.chain((s) =>
          fc.tuple(
            fc.constant(s),
            fc.integer({ min: 1, max: 300 }),
            fc.array(fc.bigInt({ min: s.min, max: s.max }), { maxLength: 64 }),
            fc.array(fc.bigInt({ min: s.min + 1n, max: s.max }), { minLength: 1, maxLength: 20 }),
          ),
        ),
        ([s, splits, nodeTokens, probes]) => {
          // Act
          const ranges = planTokenRanges(s, splits, nodeTokens);

          // Assess
          expectExactCover(s, ranges);
          for (const t of [...probes, ...nodeTokens.filter((n) => n > s.min)]) {
            expect(holders(ranges, t)).toHaveLength(1);
          }
          for (const n of nodeTokens) {
            if (n > s.min && n < s.max) expect(ranges.some((r) => r.end === n)).toBe(true);
          }
          expect(ranges.length).toBeGreaterThanOrEqual(Math.min(splits, 1));
          expect(ranges.length).toBeLessThanOrEqual(splits + new Set(nodeTokens).size + 1);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('knows the partitioners by the names system.local gives', () => {
    expect(tokenSpaceOf('org.apache.cassandra.dht.Murmur3Partitioner')).toBe(MURMUR3);
    expect(tokenSpaceOf('com.amazonaws.cassandra.DefaultPartitioner')).toBe(RANDOM);
    expect(() => tokenSpaceOf('org.apache.cassandra.dht.ByteOrderedPartitioner')).toThrow(
      /not supported/,
    );
    expect(() => planTokenRanges(MURMUR3, 0)).toThrow(/at least 1/);
  });
});
