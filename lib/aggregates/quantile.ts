import type { Aggregate } from './aggregate.ts';

/** Relative accuracy α: every estimate is within 1% of the value it stands for. */
const ALPHA = 0.01;
const GAMMA = (1 + ALPHA) / (1 - ALPHA);
const LN_GAMMA = Math.log(GAMMA);
/** ln of 2/(γ+1), the factor that puts a bucket's estimate α from both of its bounds. */
const LN_MIDPOINT = Math.log(2 / (GAMMA + 1));
const FORMAT = 1;

/** Bucket index -> count; bucket i holds magnitudes in (γ^(i-1), γ^i]. */
type Buckets = Map<number, number>;

/** A DDSketch: bucket counts of positive and negative values (by magnitude), and of zeros. */
export type QuantileSketch = { zero: number; positive: Buckets; negative: Buckets };

const bucketOf = (magnitude: number) => Math.ceil(Math.log(magnitude) / LN_GAMMA);
/** Clamped, because γ^i of the last buckets exceeds the largest double. */
const estimateOf = (bucket: number) =>
  Math.min(Number.MAX_VALUE, Math.exp(bucket * LN_GAMMA + LN_MIDPOINT));
const ascending = (buckets: Buckets) => [...buckets.keys()].sort((a, b) => a - b);

function addTo(buckets: Buckets, bucket: number, count: number): void {
  buckets.set(bucket, (buckets.get(bucket) ?? 0) + count);
}

/** DDSketch's lower-rank rule: the value at 0-based rank floor(q·(n-1)) in ascending order. */
function valueAt(sketch: QuantileSketch, q: number): number | null {
  let total = sketch.zero;
  for (const c of sketch.positive.values()) total += c;
  for (const c of sketch.negative.values()) total += c;
  if (total === 0) return null;
  let rank = Math.floor(q * (total - 1));
  // Ascending order: negatives from the largest magnitude down, then zeros, then positives
  for (const bucket of ascending(sketch.negative).reverse()) {
    rank -= sketch.negative.get(bucket) as number;
    if (rank < 0) return -estimateOf(bucket);
  }
  rank -= sketch.zero;
  if (rank < 0) return 0;
  for (const bucket of ascending(sketch.positive)) {
    rank -= sketch.positive.get(bucket) as number;
    if (rank < 0) return estimateOf(bucket);
  }
  return estimateOf(ascending(sketch.positive).at(-1) as number);
}

/** LEB128 with arithmetic instead of bit operations, so counts past 2^32 survive. */
function writeVarint(out: number[], n: number): void {
  while (n >= 0x80) {
    out.push((n % 0x80) + 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
}

/** Buckets in ascending order: their number, then the first index (zigzag) and count, then
 * for each further bucket the gap to the previous index (always ≥ 1) and its count. */
function writeBuckets(out: number[], buckets: Buckets): void {
  const indices = ascending(buckets);
  writeVarint(out, indices.length);
  indices.forEach((bucket, i) => {
    const previous = indices[i - 1];
    if (previous === undefined) writeVarint(out, bucket >= 0 ? 2 * bucket : -2 * bucket - 1);
    else writeVarint(out, bucket - previous);
    writeVarint(out, buckets.get(bucket) as number);
  });
}

function encode(sketch: QuantileSketch): Uint8Array {
  const out = [FORMAT];
  writeVarint(out, sketch.zero);
  writeBuckets(out, sketch.positive);
  writeBuckets(out, sketch.negative);
  return Uint8Array.from(out);
}

function decode(bytes: Uint8Array): QuantileSketch {
  const bad = () => new Error('quantile: accumulator has an unknown format');
  let at = 1;
  const varint = () => {
    let n = 0;
    for (let scale = 1; scale <= 2 ** 49; scale *= 0x80) {
      const byte = bytes[at++];
      if (byte === undefined) throw bad();
      n += (byte % 0x80) * scale;
      if (byte < 0x80) return n;
    }
    throw bad();
  };
  // Gaps and counts of 0 are refused, so decoded sketches re-encode to the same bytes
  const positive = (n: number) => {
    if (n < 1) throw bad();
    return n;
  };
  const buckets = () => {
    const out: Buckets = new Map();
    let bucket = 0;
    for (let i = 0, length = varint(); i < length; i++) {
      const z = varint();
      bucket = i === 0 ? (z % 2 === 0 ? z / 2 : -(z + 1) / 2) : bucket + positive(z);
      out.set(bucket, positive(varint()));
    }
    return out;
  };
  if (bytes[0] !== FORMAT) throw bad();
  const sketch = { zero: varint(), positive: buckets(), negative: buckets() };
  if (at !== bytes.length) throw bad();
  return sketch;
}

/**
 * The value at quantile `q` (0 = min, 0.5 = median, 1 = max) of the numbers at `field`, a double
 * column; null when there are none. A DDSketch with relative accuracy 1%: the result is within 1%
 * relative error of the true value at rank floor(q·(n-1)) of the n values in ascending order
 * (zero exactly). Merging adds bucket counts, so merged sketches are exact.
 */
export function quantile<F extends string>(
  field: F,
  q: number,
): Aggregate<QuantileSketch, number> & { readonly field: F } {
  if (typeof q !== 'number' || !(q >= 0 && q <= 1)) {
    throw new RangeError(`quantile(q): ${String(q)} is outside the allowed 0 to 1`);
  }
  return {
    kind: 'quantile',
    field,
    input: 'number',
    resultType: 'double',
    init: () => ({ zero: 0, positive: new Map(), negative: new Map() }),
    add: (acc, value) => {
      const x = value as number;
      if (x === 0) acc.zero++;
      else addTo(x > 0 ? acc.positive : acc.negative, bucketOf(Math.abs(x)), 1);
      return acc;
    },
    merge: (a, b) => {
      a.zero += b.zero;
      for (const [bucket, count] of b.positive) addTo(a.positive, bucket, count);
      for (const [bucket, count] of b.negative) addTo(a.negative, bucket, count);
      return a;
    },
    result: (acc) => valueAt(acc, q),
    encode,
    decode,
  };
}
