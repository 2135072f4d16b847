import type { Aggregate } from './aggregate.ts';
import { type ByteWriter, encoderFrom } from './byte-writer.ts';

/** Compensated (Neumaier) sum: merging partial sums in any order agrees to ~1e-15 relative. */
type Sum = { sum: number; c: number };
type Avg = Sum & { n: number };

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

/** [format 1] then each double, big-endian. */
function f64s(to: ByteWriter, a: number, b?: number, c?: number): void {
  to.u8(1);
  to.f64(a);
  if (b !== undefined) to.f64(b);
  if (c !== undefined) to.f64(c);
}

/** A count as its decimal digits in ASCII. */
function digits(acc: number, to: ByteWriter): void {
  to.ascii(String(acc));
}

const encodeSum = (acc: Sum, to: ByteWriter) => f64s(to, acc.sum, acc.c);
const encodeExtreme = (acc: number, to: ByteWriter) => f64s(to, acc);
const encodeAvg = (acc: Avg, to: ByteWriter) => f64s(to, acc.sum, acc.c, acc.n);

const utf8 = new TextDecoder();
const DIGITS = /^[0-9]+$/;

function readF64s(bytes: Uint8Array, count: number, kind: string): number[] {
  if (bytes.byteLength !== 1 + count * 8 || bytes[0] !== 1) {
    throw new Error(`${kind}: accumulator has an unknown format`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: count }, (_, i) => view.getFloat64(1 + i * 8));
}

/**
 * Number of events; a bigint column. Counted as a double, exact to 2^53 events per window (285
 * years at a million a second): a bigint add allocates, and this add runs once per event.
 */
export function count(): Aggregate<number, bigint> {
  return {
    kind: 'count',
    input: 'none',
    resultType: 'bigint',
    init: () => 0,
    add: (acc) => acc + 1,
    merge: (a, b) => a + b,
    result: (acc) => BigInt(acc),
    encode: encoderFrom(digits),
    decode: (bytes) => {
      const text = utf8.decode(bytes);
      const n = Number(text);
      if (!DIGITS.test(text) || !Number.isSafeInteger(n)) {
        throw new Error(`count: accumulator '${text.slice(0, 24)}' is not a count`);
      }
      return n;
    },
  };
}

export function sum<F extends string>(field: F): Aggregate<Sum, number> & { readonly field: F } {
  return {
    kind: 'sum',
    field,
    input: 'number',
    resultType: 'double',
    init: () => ({ sum: 0, c: 0 }),
    add: (acc, value) => addSum(acc, value as number),
    merge: (a, b) => addSum(addSum(a, b.sum), b.c),
    result: (acc) => acc.sum + acc.c,
    encode: encoderFrom(encodeSum),
    decode: (bytes) => {
      const [s, c] = readF64s(bytes, 2, 'sum');
      return { sum: s as number, c: c as number };
    },
  };
}

function extreme<F extends string>(
  kind: 'min' | 'max',
  field: F,
): Aggregate<number, number> & { readonly field: F } {
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
    encode: encoderFrom(encodeExtreme),
    decode: (bytes) => readF64s(bytes, 1, kind)[0] as number,
  };
}

export const min = <F extends string>(field: F) => extreme('min', field);
export const max = <F extends string>(field: F) => extreme('max', field);

export function avg<F extends string>(field: F): Aggregate<Avg, number> & { readonly field: F } {
  return {
    kind: 'avg',
    field,
    input: 'number',
    resultType: 'double',
    init: () => ({ sum: 0, c: 0, n: 0 }),
    add: (acc, value) => {
      addSum(acc, value as number);
      acc.n += 1;
      return acc;
    },
    merge: (a, b) => {
      addSum(addSum(a, b.sum), b.c);
      a.n += b.n;
      return a;
    },
    result: (acc) => (acc.n === 0 ? null : (acc.sum + acc.c) / acc.n),
    encode: encoderFrom(encodeAvg),
    decode: (bytes) => {
      const [s, c, n] = readF64s(bytes, 3, 'avg');
      if (!Number.isSafeInteger(n) || (n as number) < 0) {
        throw new Error(`avg: accumulator holds a count of ${n}, not a count`);
      }
      return { sum: s as number, c: c as number, n: n as number };
    },
  };
}
