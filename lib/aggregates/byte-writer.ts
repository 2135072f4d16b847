/**
 * Appends big-endian values to one growing buffer: a row's accumulators are encoded into it one
 * after another and copied out once, instead of one small array per aggregate (encodeRow runs
 * once per row written, thousands of times a batch).
 */
export class ByteWriter {
  #bytes = new Uint8Array(256);
  #view = new DataView(this.#bytes.buffer);
  #length = 0;

  get length(): number {
    return this.#length;
  }

  reset(): void {
    this.#length = 0;
  }

  /** Room for `n` more bytes; where they start. */
  #reserve(n: number): number {
    const at = this.#length;
    if (at + n > this.#bytes.byteLength) {
      const grown = new Uint8Array(Math.max(2 * this.#bytes.byteLength, at + n));
      grown.set(this.#bytes.subarray(0, at));
      this.#bytes = grown;
      this.#view = new DataView(grown.buffer);
    }
    this.#length = at + n;
    return at;
  }

  // Each write reserves first and only then touches #bytes or #view: reserving may replace them,
  // and `this.#bytes[this.#reserve(1)] = v` would write to the array it replaced.
  u8(value: number): void {
    const at = this.#reserve(1);
    this.#bytes[at] = value;
  }

  u16(value: number): void {
    const at = this.#reserve(2);
    this.#view.setUint16(at, value);
  }

  u32(value: number): void {
    const at = this.#reserve(4);
    this.#view.setUint32(at, value);
  }

  /** Writes a u32 at `at`, over bytes already reserved (a length known only afterwards). */
  u32At(at: number, value: number): void {
    this.#view.setUint32(at, value);
  }

  f64(value: number): void {
    const at = this.#reserve(8);
    this.#view.setFloat64(at, value);
  }

  /** Text of code units below 128 (digits, say), one byte each. */
  ascii(text: string): void {
    const at = this.#reserve(text.length);
    for (let i = 0; i < text.length; i++) this.#bytes[at + i] = text.charCodeAt(i);
  }

  bytes(value: Uint8Array): void {
    const at = this.#reserve(value.byteLength);
    this.#bytes.set(value, at);
  }

  /** A copy of what was written since the last reset. */
  take(): Uint8Array {
    return this.#bytes.slice(0, this.#length);
  }
}

/** Appends an accumulator's encoding to a writer. */
export type AppendEncoding<Acc> = (acc: Acc, to: ByteWriter) => void;

const appenders = new WeakMap<(acc: never) => Uint8Array, AppendEncoding<never>>();
const own = new ByteWriter();

/**
 * An aggregate's `encode` made from `append`, remembered so that encodeRow can append instead
 * (one buffer per row, not one per aggregate). Keyed by the encode function itself: an aggregate
 * that replaces `encode` (say `{ ...sum('x'), encode, decode }`) is encoded by its own.
 */
export function encoderFrom<Acc>(append: AppendEncoding<Acc>): (acc: Acc) => Uint8Array {
  const encode = (acc: Acc) => {
    own.reset();
    append(acc, own);
    return own.take();
  };
  appenders.set(encode, append as AppendEncoding<never>);
  return encode;
}

/** The appending form of `encode`, when it was made by encoderFrom. */
export function appenderOf<Acc>(encode: (acc: Acc) => Uint8Array): AppendEncoding<Acc> | undefined {
  return appenders.get(encode) as AppendEncoding<Acc> | undefined;
}
