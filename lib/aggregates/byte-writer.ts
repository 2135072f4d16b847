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
