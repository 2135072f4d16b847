/**
 * The highest sequence number below which every record read from a shard is done. With a
 * parallelization factor, batches finish out of order; the shard's checkpoint may only move
 * over an unbroken run of finished records, or a restart would skip unfinished ones.
 */
export class CheckpointTracker {
  #sequence: bigint[] = [];
  #head = 0;
  readonly #done = new Set<bigint>();
  #checkpoint: bigint | undefined;

  constructor(checkpoint?: bigint) {
    this.#checkpoint = checkpoint;
  }

  /** Records are added in the order the shard returned them. */
  add(sequenceNumber: bigint): void {
    this.#sequence.push(sequenceNumber);
  }

  /** Marks records finished (processed, or handed to the on-failure destination). */
  complete(sequenceNumbers: Iterable<bigint>): void {
    for (const s of sequenceNumbers) this.#done.add(s);
  }

  /** Moves over finished records; the new checkpoint, or undefined if it did not move. */
  advance(): bigint | undefined {
    const start = this.#head;
    for (;;) {
      const next = this.#sequence[this.#head];
      if (next === undefined || !this.#done.has(next)) break;
      this.#done.delete(next);
      this.#checkpoint = next;
      this.#head += 1;
    }
    const moved = this.#head !== start;
    // Drop the finished front now and then, so a long run does not keep every sequence number.
    if (this.#head > 4096 && this.#head * 2 > this.#sequence.length) {
      this.#sequence = this.#sequence.slice(this.#head);
      this.#head = 0;
    }
    return moved ? this.#checkpoint : undefined;
  }

  get checkpoint(): bigint | undefined {
    return this.#checkpoint;
  }

  /** Records read and not yet finished. */
  get outstanding(): number {
    return this.#sequence.length - this.#head;
  }
}
