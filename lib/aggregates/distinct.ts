import type { Aggregate } from './aggregate.ts';
import { estimateCardinality } from './hll-estimate.ts';

/** Precision: 2^14 one-byte registers, standard error 1.04 / sqrt(2^14) ≈ 0.81%. */
const P = 14;
const M = 1 << P;
/** A rank counts the leading zeros of the 64 - P hash bits left after the register index. */
const MAX_RANK = 64 - P + 1;
/** The largest value a CQL bigint holds: the cap for a sketch saturated beyond measure. */
const MAX_RESULT = 2n ** 63n - 1n;
const FORMAT_SPARSE = 1;
const FORMAT_DENSE = 2;
/** Sparse pairs are 3 bytes (index, value); past this many the dense form is smaller. */
const SPARSE_LIMIT = Math.floor((M - 1) / 3);
const TAG = { string: 0x73, number: 0x6e, boolean: 0x62 } as const;
const utf8 = new TextEncoder();

/** (aHi:aLo) * (bHi:bLo) mod 2^64; 16-bit limbs keep every partial product exact in a double. */
function mul64(aHi: number, aLo: number, bHi: number, bLo: number): [number, number] {
  const a0 = aLo & 0xffff;
  const a1 = aLo >>> 16;
  const b0 = bLo & 0xffff;
  const b1 = bLo >>> 16;
  const mid = a1 * b0 + a0 * b1;
  const low = a0 * b0 + (mid % 0x10000) * 0x10000;
  const carry = a1 * b1 + Math.floor(mid / 0x10000) + Math.floor(low / 0x100000000);
  return [(carry + Math.imul(aHi, bLo) + Math.imul(aLo, bHi)) >>> 0, low >>> 0];
}

/** The canonical bytes of a value: a type tag first, so 1, "1" and true never collide. */
function canonicalBytes(value: string | number | boolean): Uint8Array {
  if (typeof value === 'string') {
    const text = utf8.encode(value);
    const out = new Uint8Array(1 + text.length);
    out[0] = TAG.string;
    out.set(text, 1);
    return out;
  }
  if (typeof value === 'boolean') return Uint8Array.of(TAG.boolean, value ? 1 : 0);
  const out = new Uint8Array(9);
  out[0] = TAG.number;
  // -0 === 0 in JavaScript and JSON, so both are one value
  new DataView(out.buffer).setFloat64(1, value === 0 ? 0 : value);
  return out;
}

/**
 * 64-bit hash of a scalar as [high 32 bits, low 32 bits]: FNV-1a over the canonical bytes, then
 * MurmurHash3's fmix64 finalizer, because FNV alone mixes its last bytes poorly into the top bits.
 */
export function hashScalar(value: string | number | boolean): [number, number] {
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  for (const byte of canonicalBytes(value)) [hi, lo] = mul64(hi, (lo ^ byte) >>> 0, 0x100, 0x1b3);
  lo = (lo ^ (hi >>> 1)) >>> 0;
  [hi, lo] = mul64(hi, lo, 0xff51afd7, 0xed558ccd);
  lo = (lo ^ (hi >>> 1)) >>> 0;
  [hi, lo] = mul64(hi, lo, 0xc4ceb9fe, 0x1a85ec53);
  return [hi, (lo ^ (hi >>> 1)) >>> 0];
}

function addValue(registers: Uint8Array, value: string | number | boolean): Uint8Array {
  const [hi, lo] = hashScalar(value);
  const index = hi >>> (32 - P);
  const rest = hi & ((1 << (32 - P)) - 1);
  // 1-based position of the first 1 bit in the 50 bits after the index
  const rank =
    rest !== 0 ? Math.clz32(rest) - P + 1 : lo !== 0 ? 33 - P + Math.clz32(lo) : MAX_RANK;
  if (rank > (registers[index] as number)) registers[index] = rank;
  return registers;
}

/** Ertl's improved estimate, rounded; capped at the bigint range (every register saturated). */
function estimate(registers: Uint8Array): bigint {
  const n = estimateCardinality(registers, MAX_RANK - 1);
  return n < 2 ** 63 ? BigInt(Math.round(n)) : MAX_RESULT;
}

function encode(registers: Uint8Array): Uint8Array {
  // Plain loops, no per-register allocation: encode runs once per row and batch (hot path).
  let set = 0;
  for (let i = 0; i < M; i++) if (registers[i] !== 0) set++;
  if (set > SPARSE_LIMIT) {
    const out = new Uint8Array(1 + M);
    out[0] = FORMAT_DENSE;
    out.set(registers, 1);
    return out;
  }
  const out = new Uint8Array(1 + 3 * set);
  out[0] = FORMAT_SPARSE;
  for (let i = 0, at = 1; i < M; i++) {
    const r = registers[i] as number;
    if (r === 0) continue;
    out[at] = i >>> 8;
    out[at + 1] = i & 0xff;
    out[at + 2] = r;
    at += 3;
  }
  return out;
}

function decode(bytes: Uint8Array): Uint8Array {
  const bad = () => new Error('distinct: accumulator has an unknown format');
  const registers = new Uint8Array(M);
  if (bytes[0] === FORMAT_DENSE && bytes.length === 1 + M) {
    registers.set(bytes.subarray(1));
  } else if (bytes[0] === FORMAT_SPARSE && bytes.length % 3 === 1) {
    // Indices strictly increase, as encode writes them, so every register has one encoding
    for (let at = 1, last = -1; at < bytes.length; at += 3) {
      const index = ((bytes[at] as number) << 8) | (bytes[at + 1] as number);
      if (index <= last || index >= M || bytes[at + 2] === 0) throw bad();
      registers[index] = bytes[at + 2] as number;
      last = index;
    }
  } else {
    throw bad();
  }
  if (registers.some((r) => r > MAX_RANK)) throw bad();
  return registers;
}

/**
 * Approximate number of distinct values at `field` (strings, numbers, booleans; the number 1 and
 * the string "1" are different values): a HyperLogLog with 2^14 registers, a bigint column.
 * Ertl's improved estimator has a standard error of about 0.81% (within ~2.5% at 3σ) over the
 * whole range, with no seam between small and large sets. Rows hold the set registers sparsely
 * (3 bytes each) while that is smaller, else all 16,385 bytes.
 */
export function distinct(field: string): Aggregate<Uint8Array, bigint> {
  return {
    kind: 'distinct',
    field,
    input: 'scalar',
    resultType: 'bigint',
    init: () => new Uint8Array(M),
    add: (acc, value) => addValue(acc, value as string | number | boolean),
    merge: (a, b) => {
      for (let i = 0; i < M; i++) if ((b[i] as number) > (a[i] as number)) a[i] = b[i] as number;
      return a;
    },
    result: estimate,
    encode,
    decode,
  };
}
