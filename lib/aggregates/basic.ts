import type { Aggregate } from './aggregate.ts';

/** Compensated (Neumaier) sum: merging partial sums in any order agrees to ~1e-15 relative. */
type Sum = { sum: number; c: number };
type Avg = Sum & { n: bigint };

function addSum(a: Sum, x: number): Sum {
  const t = a.sum + x;
  if (!Number.isFinite(t)) {
    // Past the largest double the compensation is Infinity - Infinity: the sum is ±Infinity, not NaN.
    a.sum = t;
    a.c = 0;
    return a;
  }
  a.c += Math.abs(a.sum) >= Math.abs(x) ? a.sum - t + x : x - t + a.sum;
  a.sum = t;
  return a;
}

function f64s(...values: number[]): Uint8Array {
  const out = new Uint8Array(1 + values.length * 8);
  const view = new DataView(out.buffer);
  out[0] = 1;
  values.forEach((v, i) => {
    view.setFloat64(1 + i * 8, v);
  });
  return out;
}

function readF64s(bytes: Uint8Array, count: number, kind: string): number[] {
  if (bytes.byteLength !== 1 + count * 8 || bytes[0] !== 1) {
    throw new Error(`${kind}: accumulator has an unknown format`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: count }, (_, i) => view.getFloat64(1 + i * 8));
}

/** Number of events; a bigint column. */
export function count(): Aggregate<bigint, bigint> {
  return {
    kind: 'count',
    input: 'none',
    resultType: 'bigint',
    init: () => 0n,
    add: (acc) => acc + 1n,
    merge: (a, b) => a + b,
    result: (acc) => acc,
    encode: (acc) => new TextEncoder().encode(acc.toString()),
    decode: (bytes) => BigInt(new TextDecoder().decode(bytes)),
  };
}

export function sum(field: string): Aggregate<Sum, number> {
  return {
    kind: 'sum',
    field,
    input: 'number',
    resultType: 'double',
    init: () => ({ sum: 0, c: 0 }),
    add: (acc, value) => addSum(acc, value as number),
    merge: (a, b) => addSum(addSum(a, b.sum), b.c),
    result: (acc) => acc.sum + acc.c,
    encode: (acc) => f64s(acc.sum, acc.c),
    decode: (bytes) => {
      const [s, c] = readF64s(bytes, 2, 'sum');
      return { sum: s as number, c: c as number };
    },
  };
}

function extreme(kind: 'min' | 'max', field: string): Aggregate<number, number> {
  const pick = kind === 'min' ? Math.min : Math.max;
  const empty = kind === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  return {
    kind,
    field,
    input: 'number',
    resultType: 'double',
    init: () => empty,
    add: (acc, value) => pick(acc, value as number),
    merge: (a, b) => pick(a, b),
    result: (acc) => (acc === empty ? null : acc),
    encode: (acc) => f64s(acc),
    decode: (bytes) => readF64s(bytes, 1, kind)[0] as number,
  };
}

export const min = (field: string) => extreme('min', field);
export const max = (field: string) => extreme('max', field);

export function avg(field: string): Aggregate<Avg, number> {
  return {
    kind: 'avg',
    field,
    input: 'number',
    resultType: 'double',
    init: () => ({ sum: 0, c: 0, n: 0n }),
    add: (acc, value) => {
      addSum(acc, value as number);
      acc.n += 1n;
      return acc;
    },
    merge: (a, b) => {
      addSum(addSum(a, b.sum), b.c);
      a.n += b.n;
      return a;
    },
    result: (acc) => (acc.n === 0n ? null : (acc.sum + acc.c) / Number(acc.n)),
    encode: (acc) => f64s(acc.sum, acc.c, Number(acc.n)),
    decode: (bytes) => {
      const [s, c, n] = readF64s(bytes, 3, 'avg');
      return { sum: s as number, c: c as number, n: BigInt(n as number) };
    },
  };
}
