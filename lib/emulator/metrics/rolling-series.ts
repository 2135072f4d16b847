/** One second of a series: how many values fell in it, their sum and their largest. */
export type SecondBucket = { second: number; count: number; sum: number; max: number };

/**
 * The last `seconds` seconds of one metric, a bucket per second (epoch seconds), kept in a ring:
 * memory stays flat however long a pipeline runs. Values older than the window are dropped.
 */
export class RollingSeries {
  readonly seconds: number;
  readonly #ring: (SecondBucket | undefined)[];
  /** The newest value added, and when (for "last run at" and "lag now"). */
  latest: { timeMs: number; value: number } | undefined;

  constructor(seconds = 300) {
    this.seconds = seconds;
    this.#ring = new Array(seconds);
  }

  add(timeMs: number, value: number): void {
    if (!this.latest || timeMs >= this.latest.timeMs) this.latest = { timeMs, value };
    const second = Math.floor(timeMs / 1000);
    const slot = second % this.seconds;
    const bucket = this.#ring[slot];
    if (bucket && bucket.second === second) {
      bucket.count += 1;
      bucket.sum += value;
      bucket.max = Math.max(bucket.max, value);
    } else if (!bucket || bucket.second < second) {
      this.#ring[slot] = { second, count: 1, sum: value, max: value };
    }
    // A value older than the bucket now in its slot is outside the window: dropped.
  }

  /** The buckets of the `seconds` seconds up to `nowMs`, oldest first, empty seconds as zeros. */
  window(nowMs: number, seconds = this.seconds): SecondBucket[] {
    const last = Math.floor(nowMs / 1000);
    const span = Math.min(seconds, this.seconds);
    const out: SecondBucket[] = [];
    for (let second = last - span + 1; second <= last; second++) {
      const bucket = this.#ring[((second % this.seconds) + this.seconds) % this.seconds];
      out.push(
        bucket && bucket.second === second ? { ...bucket } : { second, count: 0, sum: 0, max: 0 },
      );
    }
    return out;
  }

  /** Sum, count and largest value over the last `seconds` seconds up to `nowMs`. */
  total(nowMs: number, seconds: number): { count: number; sum: number; max: number } {
    let count = 0;
    let sum = 0;
    let max = Number.NEGATIVE_INFINITY;
    for (const bucket of this.window(nowMs, seconds)) {
      count += bucket.count;
      sum += bucket.sum;
      if (bucket.count > 0) max = Math.max(max, bucket.max);
    }
    return { count, sum, max: count > 0 ? max : 0 };
  }
}
