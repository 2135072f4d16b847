import { describe, expect, it } from 'vitest';
import { hashScalar } from '#lib/aggregates/distinct';
import { distinct, type QuantileSketch, quantile } from '#lib/aggregates/index';

/** Three standard errors of a 2^14-register HyperLogLog. */
const HLL_BOUND = 3 * 0.0081;
/** DDSketch's relative accuracy, plus room for the rounding of a logarithm at bucket edges. */
const DDS_BOUND = 0.01 + 1e-12;

/** xorshift32 in [0, 1): seeded, so every run checks the same data. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

function countDistinct(values: Iterable<unknown>): bigint {
  const agg = distinct('v');
  let acc = agg.init();
  for (const v of values) acc = agg.add(acc, v);
  return agg.result(acc) as bigint;
}

function sketchOf(values: readonly number[]): QuantileSketch {
  const agg = quantile('v', 0.5);
  return values.reduce((acc, v) => agg.add(acc, v), agg.init());
}

describe('distinct', () => {
  it.each([1, 10, 1_000, 100_000])('counts %i values within 3 standard errors', (n) => {
    // Arrange: half strings, half numbers, each seen twice
    const values = Array.from({ length: n }, (_, i) => (i % 2 ? `user-${i}` : i * 7.25));

    // Act
    const estimate = countDistinct([...values, ...values]);

    // Assess
    expect(Math.abs(Number(estimate) - n) / n).toBeLessThanOrEqual(HLL_BOUND);
  });

  // Seeds give unrelated value sets; one sketch per seed is read at each checkpoint as it grows.
  // 40,000–50,000 is where the raw HyperLogLog estimator handed over to linear counting, biased.
  it.each([1, 2, 3, 4, 5])(
    'stays within 3 standard errors from 20,000 to 200,000 (seed %i)',
    (seed) => {
      // Arrange
      const agg = distinct('v');
      const checkpoints = [20_000, 30_000, 40_000, 45_000, 50_000, 60_000, 200_000];
      let acc = agg.init();
      let added = 0;
      const outside: string[] = [];

      for (const n of checkpoints) {
        // Act
        for (; added < n; added++)
          acc = agg.add(acc, added % 2 ? `s${seed}-${added}` : seed + added / 8);
        const error = Number(agg.result(acc)) / n - 1;

        // Assess: every checkpoint is reported, not just the first one outside
        if (Math.abs(error) > HLL_BOUND) outside.push(`${n}: ${(100 * error).toFixed(2)}%`);
      }
      expect(outside).toEqual([]);
    },
  );

  it('tells types apart and ignores duplicates', () => {
    // Act
    const estimate = countDistinct([1, '1', true, 'true', 1, '1', true, 0, -0, '0']);

    // Assess
    expect(estimate).toBe(6n);
  });

  it('estimates 0 for nothing', () => {
    expect(countDistinct([])).toBe(0n);
  });

  it('keeps a few registers small and a full sketch within 16,400 bytes', () => {
    // Arrange
    const agg = distinct('v');
    const tiny = ['a', 'b', 'c'].reduce((acc, v) => agg.add(acc, v), agg.init());
    let full = agg.init();
    for (let i = 0; i < 100_000; i++) full = agg.add(full, i);

    // Act
    const [tinyBytes, fullBytes] = [agg.encode(tiny), agg.encode(full)];

    // Assess
    expect(tinyBytes.length).toBe(1 + 3 * 3);
    expect(fullBytes.length).toBeLessThanOrEqual(16_400);
    expect(agg.decode(tinyBytes)).toEqual(tiny);
    expect(agg.decode(fullBytes)).toEqual(full);
  });

  it('caps a sketch with every register saturated at the bigint maximum', () => {
    // Arrange: rank 51 (no 1 bit in the 50 hash bits after the index) in all 16,384 registers
    const agg = distinct('v');
    const saturated = agg.decode(Uint8Array.of(2, ...new Array<number>(16_384).fill(51)));

    // Act & Assess
    expect(agg.result(saturated)).toBe(2n ** 63n - 1n);
  });

  // Nothing; unknown format; a repeated index; an index past the last register; dense too short
  it.each([[[]], [[9, 1, 2, 3]], [[1, 0, 5, 1, 0, 5, 1]], [[1, 0xff, 0xff, 1]], [[2, 1, 2]]])(
    'refuses bytes that are no sketch: %j',
    (bytes) => {
      expect(() => distinct('v').decode(Uint8Array.from(bytes))).toThrow(/^distinct: .* format$/);
    },
  );
});

describe('hashScalar', () => {
  const N = 65_536;
  const families: [string, (i: number) => string | number][] = [
    ['sequential integers', (i) => i],
    ['short strings', (i) => `k${i}`],
    ['decimals', (i) => i / 100],
  ];

  it.each(families)('sets each bit half the time and spreads indices evenly for %s', (_, make) => {
    // Act: count set bits, and hashes per value of the top 10 bits (where register indices start)
    const ones = new Array<number>(64).fill(0);
    const cells = new Array<number>(1024).fill(0);
    for (let i = 0; i < N; i++) {
      const [hi, lo] = hashScalar(make(i));
      for (let bit = 0; bit < 32; bit++) {
        ones[bit] = (ones[bit] as number) + ((hi >>> bit) & 1);
        ones[32 + bit] = (ones[32 + bit] as number) + ((lo >>> bit) & 1);
      }
      cells[hi >>> 22] = (cells[hi >>> 22] as number) + 1;
    }
    const expected = N / 1024;
    const chiSquare = cells.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);

    // Assess: 6 standard deviations, so neither a flake nor a real bias slips through;
    // chi-square with 1023 degrees of freedom has mean 1023 and standard deviation ~45
    for (const n of ones) expect(Math.abs(n / N - 0.5)).toBeLessThan(6 * (0.5 / Math.sqrt(N)));
    expect(chiSquare).toBeLessThan(1023 + 6 * 45.2);
  });

  it('changes about half of the 64 bits when the input changes a little', () => {
    // Act
    let flipped = 0;
    for (let i = 0; i < 10_000; i++) {
      const [a, b] = [hashScalar(i), hashScalar(i + 1)];
      const diff = [(a[0] ^ b[0]) >>> 0, (a[1] ^ b[1]) >>> 0];
      for (const word of diff) for (let bit = 0; bit < 32; bit++) flipped += (word >>> bit) & 1;
    }

    // Assess
    expect(flipped / 10_000).toBeCloseTo(32, 0);
  });
});

describe('quantile', () => {
  const next = random(0x9e3779b9);
  const n = 20_000;
  const datasets: [string, number[]][] = [
    ['uniform', Array.from({ length: n }, () => next() * 1000)],
    [
      'lognormal',
      Array.from({ length: n }, () => {
        const normal = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
        return Math.exp(3 + 2 * normal);
      }),
    ],
    [
      'signed with zeros',
      Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 0 : (next() - 0.6) * 10 ** (next() * 6))),
    ],
  ];
  const qs = [0, 0.5, 0.9, 0.99, 1];

  for (const [name, data] of datasets) {
    it(`is within 1% of the value at each rank for ${name} data`, () => {
      // Arrange
      const sorted = [...data].sort((a, b) => a - b);
      const sketch = sketchOf(data);

      for (const q of qs) {
        // Act
        const estimate = quantile('v', q).result(sketch) as number;

        // Assess: against the exact value at the same (lower) rank; zero is kept exactly
        const exact = sorted[Math.floor(q * (n - 1))] as number;
        if (exact === 0) expect(estimate).toBe(0);
        else expect(Math.abs(estimate / exact - 1), `q=${q}`).toBeLessThanOrEqual(DDS_BOUND);
      }
    });

    it(`merges sketches of parts into the sketch of the whole for ${name} data`, () => {
      // Arrange
      const agg = quantile('v', 0.9);
      const parts = [data.slice(0, 100), data.slice(100, 7_000), data.slice(7_000)];

      // Act
      const merged = parts.map((p) => sketchOf(p)).reduce((a, b) => agg.merge(a, b), agg.init());

      // Assess
      expect(agg.encode(merged)).toEqual(agg.encode(sketchOf(data)));
    });
  }

  it('has no value before the first number', () => {
    expect(quantile('v', 0.5).result(sketchOf([]))).toBeNull();
  });

  it.each([1.5, -0.1, Number.NaN])('refuses q = %s, naming q', (q) => {
    expect(() => quantile('v', q)).toThrow(RangeError);
    expect(() => quantile('v', q)).toThrow(/^quantile\(q\): .* is outside the allowed 0 to 1$/);
  });

  // Unknown format; cut short; a bucket with count 0; a byte after the end
  it.each([[[2, 0, 0, 0]], [[1, 0, 0]], [[1, 0, 1, 4, 0, 0]], [[1, 0, 0, 0, 7]]])(
    'refuses bytes that are no sketch: %j',
    (bytes) => {
      expect(() => quantile('v', 0.5).decode(Uint8Array.from(bytes))).toThrow(
        /^quantile: .* format$/,
      );
    },
  );
});
