/**
 * Keyspaces' capacity, metered as it bills on-demand tables: a write costs 1 write request unit
 * per KB of the row written (a lightweight transaction the same, even when its condition fails),
 * a read 1 read request unit per 4 KB read at LOCAL_QUORUM (half at ONE or LOCAL_ONE), each at
 * least 1. A storage partition takes at most 1,000 WRU and 3,000 RRU a second; past that
 * Keyspaces refuses with a write or read timeout.
 * (https://docs.aws.amazon.com/keyspaces/latest/devguide/ReadWriteCapacityMode.html,
 * https://docs.aws.amazon.com/keyspaces/latest/devguide/troubleshooting.serverless.html)
 */
export const PARTITION_WRU_PER_SECOND = 1000;
export const PARTITION_RRU_PER_SECOND = 3000;

export type Units = { wru: number; rru: number };

export type CapacityReport = {
  /** Units billed per table. */
  tables: Record<string, Units & { writes: number; reads: number }>;
  /** The busiest second of any one partition. */
  hottest: { table: string; partition: string; wru: number; rru: number };
  throttled: { writes: number; reads: number };
};

/** Units a write of `bytes` bills. */
export function writeUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 1024));
}

/** Units a read of `bytes` bills at a quorum read, or an eventually consistent one. */
export function readUnits(bytes: number, quorum: boolean): number {
  const units = Math.max(1, Math.ceil(bytes / 4096));
  return quorum ? units : units / 2;
}

type Second = { at: number; wru: number; rru: number };

/** Counts units per partition per second and says when a request would be throttled. */
export class CapacityMeter {
  readonly #now: () => number;
  readonly #seconds = new Map<string, Second>();
  readonly #tables = new Map<string, Units & { writes: number; reads: number }>();
  #hottest = { table: '', partition: '', wru: 0, rru: 0 };
  #throttled = { writes: 0, reads: 0 };

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /**
   * Bills a request to its partition (undefined for a read across partitions, which only its
   * table pays), or returns false, billing nothing, when the partition's second is spent.
   */
  charge(table: string, partition: string | undefined, units: Units): boolean {
    if (partition !== undefined) {
      const key = `${table}\u0000${partition}`;
      const at = Math.floor(this.#now() / 1000);
      let second = this.#seconds.get(key);
      if (!second || second.at !== at) {
        second = { at, wru: 0, rru: 0 };
        this.#seconds.set(key, second);
      }
      if (
        second.wru + units.wru > PARTITION_WRU_PER_SECOND ||
        second.rru + units.rru > PARTITION_RRU_PER_SECOND
      ) {
        if (units.wru > 0) this.#throttled.writes++;
        else this.#throttled.reads++;
        return false;
      }
      second.wru += units.wru;
      second.rru += units.rru;
      if (second.wru + second.rru / 3 > this.#hottest.wru + this.#hottest.rru / 3) {
        this.#hottest = { table, partition, wru: second.wru, rru: second.rru };
      }
      if (this.#seconds.size > 100_000) this.#forgetOldSeconds(at);
    }
    const total = this.#tables.get(table) ?? { wru: 0, rru: 0, writes: 0, reads: 0 };
    total.wru += units.wru;
    total.rru += units.rru;
    if (units.wru > 0) total.writes++;
    else total.reads++;
    this.#tables.set(table, total);
    return true;
  }

  report(): CapacityReport {
    return {
      tables: Object.fromEntries([...this.#tables].map(([t, u]) => [t, { ...u }])),
      hottest: { ...this.#hottest },
      throttled: { ...this.#throttled },
    };
  }

  #forgetOldSeconds(at: number): void {
    for (const [key, second] of this.#seconds) if (second.at < at) this.#seconds.delete(key);
  }
}
