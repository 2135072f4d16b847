import type { HashKeyRange } from './hash-keys.ts';

export type StoredRecord = { data: string; partitionKey: string; arrivedAt: number; bytes: number };

/**
 * One shard: its hash key range, lineage and records. Records are kept as the base64 text they
 * arrived in (clients send and receive base64), in columns; `place` counts from 1 and never
 * resets, so a place keeps naming the same record after older ones expire.
 */
export class ShardLog {
  /** Place of the first record still held (records before it expired). */
  private firstPlace = 1;
  private data: string[] = [];
  private partitionKeys: string[] = [];
  private arrivals: number[] = [];
  private sizes: number[] = [];
  /** Index into the columns of `firstPlace` (expired records are dropped in chunks). */
  private head = 0;
  /** Last place this shard will ever hold, once closed by a reshard. */
  closedAt: number | undefined;
  /** When the reshard that closed it took effect (ms). */
  closedTime: number | undefined;
  children: string[] = [];

  readonly index: number;
  readonly id: string;
  readonly range: HashKeyRange;
  readonly parents: readonly string[];
  /** When the shard was made (the stream's creation, or the reshard that made it), in ms. */
  readonly createdTime: number;

  constructor(
    index: number,
    id: string,
    range: HashKeyRange,
    parents: readonly string[],
    createdTime: number,
  ) {
    this.createdTime = createdTime;
    this.index = index;
    this.id = id;
    this.range = range;
    this.parents = parents;
  }

  get open(): boolean {
    return this.closedAt === undefined;
  }

  /** Place of the newest record (0 when none was ever written). */
  get lastPlace(): number {
    return this.firstPlace + this.data.length - this.head - 1;
  }

  get firstHeldPlace(): number {
    return this.firstPlace;
  }

  append(data: string, partitionKey: string, bytes: number, now: number): number {
    const last = this.arrivals[this.arrivals.length - 1] ?? 0;
    this.data.push(data);
    this.partitionKeys.push(partitionKey);
    this.arrivals.push(Math.max(now, last));
    this.sizes.push(bytes);
    return this.lastPlace;
  }

  close(now: number): void {
    this.closedAt = this.lastPlace;
    this.closedTime = now;
  }

  record(place: number): StoredRecord {
    const i = this.head + place - this.firstPlace;
    return {
      data: this.data[i] as string,
      partitionKey: this.partitionKeys[i] as string,
      arrivedAt: this.arrivals[i] as number,
      bytes: this.sizes[i] as number,
    };
  }

  arrivalOf(place: number): number {
    return this.arrivals[this.head + place - this.firstPlace] as number;
  }

  /** The first held place whose record arrived at or after `time` (lastPlace + 1 when none). */
  placeAtTime(time: number): number {
    let low = this.head;
    let high = this.arrivals.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.arrivals[mid] as number) < time) low = mid + 1;
      else high = mid;
    }
    return this.firstPlace + low - this.head;
  }

  /** Drops records that arrived before `cutoff` (the stream's retention). */
  expireBefore(cutoff: number): void {
    this.dropOldest(this.placeAtTime(cutoff) - this.firstPlace);
  }

  /** Drops the oldest records past `count` held (the engine's memory bound). */
  keepAtMost(count: number): void {
    this.dropOldest(this.lastPlace - this.firstPlace + 1 - count);
  }

  private dropOldest(drop: number): void {
    if (drop <= 0) return;
    this.head += drop;
    this.firstPlace += drop;
    // Compact once the dropped part dominates, so memory follows what is held.
    if (this.head > 4096 && this.head * 2 > this.data.length) {
      for (const column of [this.data, this.partitionKeys, this.arrivals, this.sizes]) {
        column.splice(0, this.head);
      }
      this.head = 0;
    }
  }
}
