import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Aggregate,
  avg,
  count,
  defineAggregate,
  distinct,
  max,
  min,
  quantile,
  sum,
} from '#lib/aggregates/index';

type Range = { lo: number; hi: number };

/** The custom aggregate of lib/aggregates/README.md: the spread (max - min) of a number. */
const range = (field: string) =>
  defineAggregate<Range, number>({
    kind: 'range',
    field,
    input: 'number',
    resultType: 'double',
    init: () => ({ lo: Number.POSITIVE_INFINITY, hi: Number.NEGATIVE_INFINITY }),
    add: (acc, value) => {
      acc.lo = Math.min(acc.lo, value as number);
      acc.hi = Math.max(acc.hi, value as number);
      return acc;
    },
    merge: (a, b) => ({ lo: Math.min(a.lo, b.lo), hi: Math.max(a.hi, b.hi) }),
    result: (acc) => (acc.lo > acc.hi ? null : acc.hi - acc.lo),
    encode: (acc) => {
      const bytes = new Uint8Array(17);
      const view = new DataView(bytes.buffer);
      bytes[0] = 1;
      view.setFloat64(1, acc.lo);
      view.setFloat64(9, acc.hi);
      return bytes;
    },
    decode: (bytes) => {
      if (bytes.length !== 17 || bytes[0] !== 1) throw new Error('range: unknown format');
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      return { lo: view.getFloat64(1), hi: view.getFloat64(9) };
    },
  });

/** How two accumulators that should be equal are compared. */
type Sameness = 'result' | 'close-result' | 'encoding';

type Case = {
  aggregate: Aggregate<unknown, unknown>;
  value: fc.Arbitrary<unknown>;
  same: Sameness;
};

const anyNumber = fc.double({ noNaN: true, noDefaultInfinity: true });
/** Sums stay far from overflow, so reordering them only moves the last bits. */
const moderateNumber = fc.oneof(
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  fc.integer({ min: -1000, max: 1000 }),
);
/** Many repeats, so the sketches see duplicates; 1, '1' and true stay distinct. */
const scalar = fc.oneof(
  fc.constantFrom<unknown>(0, 1, '1', '', true, false, 'a', -0),
  fc.string(),
  fc.integer(),
  anyNumber,
);
const quantileInput = fc.oneof(anyNumber, fc.integer({ min: -100, max: 100 }), fc.constant(0));

const cases: Record<string, Case> = {
  count: { aggregate: count(), value: fc.constant(undefined), same: 'result' },
  sum: { aggregate: sum('x'), value: moderateNumber, same: 'close-result' },
  min: { aggregate: min('x'), value: anyNumber, same: 'result' },
  max: { aggregate: max('x'), value: anyNumber, same: 'result' },
  avg: { aggregate: avg('x'), value: moderateNumber, same: 'close-result' },
  distinct: { aggregate: distinct('x'), value: scalar, same: 'encoding' },
  'quantile 0.5': { aggregate: quantile('x', 0.5), value: quantileInput, same: 'encoding' },
  'quantile 0.99': { aggregate: quantile('x', 0.99), value: quantileInput, same: 'encoding' },
  'range (defineAggregate)': { aggregate: range('x'), value: anyNumber, same: 'encoding' },
};

/**
 * Equal up to 1e-12 of the result, plus 1e-15 of the input scale (1e6): compensated sums of the
 * same numbers in another order differ in the last bits, even when they cancel to about zero.
 */
function close(a: unknown, b: unknown): boolean {
  if (typeof a !== 'number' || typeof b !== 'number') return a === b;
  return Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b)) + 1e-9;
}

function fold({ aggregate }: Case, values: readonly unknown[]): unknown {
  return values.reduce((acc, v) => aggregate.add(acc, v), aggregate.init());
}

function expectSame(c: Case, a: unknown, b: unknown): void {
  const [resultA, resultB] = [c.aggregate.result(a), c.aggregate.result(b)];
  if (c.same === 'close-result') {
    expect(close(resultA, resultB), `${resultA} ≈ ${resultB}`).toBe(true);
    return;
  }
  expect(resultA).toEqual(resultB);
  if (c.same === 'encoding') expect(c.aggregate.encode(a)).toEqual(c.aggregate.encode(b));
}

describe.each(Object.entries(cases))('%s', (_name, c) => {
  const values = fc.array(c.value, { maxLength: 40 });
  const { aggregate } = c;
  // Merging and encoding 16,384 registers makes distinct the slow one
  const runs = { numRuns: aggregate.kind === 'distinct' ? 40 : 100 };

  it('merges commutatively', () => {
    fc.assert(
      fc.property(values, values, (xs, ys) => {
        // Act
        const ab = aggregate.merge(fold(c, xs), fold(c, ys));
        const ba = aggregate.merge(fold(c, ys), fold(c, xs));

        // Assess
        expectSame(c, ab, ba);
      }),
      runs,
    );
  });

  it('merges associatively', () => {
    fc.assert(
      fc.property(values, values, values, (xs, ys, zs) => {
        // Act
        const left = aggregate.merge(aggregate.merge(fold(c, xs), fold(c, ys)), fold(c, zs));
        const right = aggregate.merge(fold(c, xs), aggregate.merge(fold(c, ys), fold(c, zs)));

        // Assess
        expectSame(c, left, right);
      }),
      runs,
    );
  });

  it('folds a list in one go as it merges the folds of any split of it', () => {
    fc.assert(
      fc.property(fc.array(values, { maxLength: 5 }), (parts) => {
        // Act
        const whole = fold(c, parts.flat());
        const merged = parts
          .map((part) => fold(c, part))
          .reduce((acc, part) => aggregate.merge(acc, part), aggregate.init());

        // Assess
        expectSame(c, whole, merged);
      }),
      runs,
    );
  });

  it('treats the empty accumulator as a neutral element', () => {
    fc.assert(
      fc.property(values, (xs) => {
        // Act
        const before = aggregate.merge(aggregate.init(), fold(c, xs));
        const after = aggregate.merge(fold(c, xs), aggregate.init());

        // Assess
        expectSame(c, before, fold(c, xs));
        expectSame(c, after, fold(c, xs));
      }),
      runs,
    );
  });

  it('decodes what it encodes, to the same result and the same bytes', () => {
    fc.assert(
      fc.property(values, values, (xs, ys) => {
        // Arrange
        for (const acc of [
          aggregate.init(),
          fold(c, xs),
          aggregate.merge(fold(c, xs), fold(c, ys)),
        ]) {
          const bytes = aggregate.encode(acc);

          // Act
          const copy = aggregate.decode(bytes);

          // Assess
          expect(aggregate.result(copy)).toEqual(aggregate.result(acc));
          expect(aggregate.encode(copy)).toEqual(bytes);
        }
      }),
      runs,
    );
  });
});

describe('sums past the largest double', () => {
  it('GIVEN values whose sum overflows one way THEN the sum is that infinity, not NaN, whatever the split', () => {
    const huge = Number.MAX_VALUE;
    for (const [values, expected] of [
      [[huge, huge], Number.POSITIVE_INFINITY],
      [[-huge, -huge, 1], Number.NEGATIVE_INFINITY],
      [[huge, huge, -1, 5], Number.POSITIVE_INFINITY],
    ] as const) {
      const total = sum('x');
      const folded = values.reduce((acc, v) => total.add(acc, v), total.init());
      const halves = total.merge(
        total.add(total.init(), values[0]),
        values.slice(1).reduce((acc, v) => total.add(acc, v), total.init()),
      );
      expect(total.result(folded), String(values)).toBe(expected);
      expect(total.result(halves), String(values)).toBe(expected);
      expect(total.result(total.decode(total.encode(folded)))).toBe(expected);
    }
  });
});

describe('the stored formats of count, sum and avg', () => {
  const f64 = (...values: number[]) => {
    const bytes = new Uint8Array(1 + values.length * 8);
    const view = new DataView(bytes.buffer);
    bytes[0] = 1;
    values.forEach((v, i) => {
      view.setFloat64(1 + i * 8, v);
    });
    return bytes;
  };

  it('GIVEN any count THEN it is stored as its decimal digits in ASCII, and read back exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (n) => {
        const c = count();
        const bytes = c.encode(c.merge(c.init(), n));
        expect(new TextDecoder().decode(bytes)).toBe(String(n));
        expect(c.result(c.decode(bytes))).toBe(BigInt(n));
      }),
    );
  });

  it('GIVEN an average whose stored count is not a count THEN decoding refuses it', () => {
    for (const n of [Number.NaN, -1, 2.5, 2 ** 60]) {
      expect(() => avg('x').decode(f64(1, 0, n)), String(n)).toThrow(/avg/);
    }
  });

  it('GIVEN bytes that are not a count THEN decoding refuses them instead of reading a wrong count', () => {
    const c = count();
    for (const text of ['', '-1', '1.5', 'abc', '9007199254740993']) {
      expect(() => c.decode(new TextEncoder().encode(text)), text).toThrow(/count/);
    }
  });

  it('GIVEN sums and averages THEN they are stored as big-endian doubles behind a format byte', () => {
    fc.assert(
      fc.property(fc.array(moderateNumber, { minLength: 1, maxLength: 20 }), (values) => {
        const s = sum('x');
        const a = avg('x');
        const folded = values.reduce((acc, v) => s.add(acc, v), s.init());
        const mean = values.reduce((acc, v) => a.add(acc, v), a.init());
        expect(s.encode(folded)).toEqual(f64(folded.sum, folded.c));
        expect(min('x').encode(Math.min(...values))).toEqual(f64(Math.min(...values)));
        expect(max('x').encode(Math.max(...values))).toEqual(f64(Math.max(...values)));
        expect(a.encode(mean)).toEqual(f64(mean.sum, mean.c, values.length));
        expect(a.result(a.decode(f64(mean.sum, mean.c, values.length)))).toBe(a.result(mean));
      }),
    );
  });
});
