import type { ShardLog } from './shard-log.ts';
import { TokenBucket } from './token-bucket.ts';

/** Per-shard limits of a provisioned Kinesis shard. */
export type ShardLimits = {
  writeRecordsPerSecond: number;
  writeBytesPerSecond: number;
  readCallsPerSecond: number;
  readBytesPerSecond: number;
};

export const KINESIS_SHARD_LIMITS: ShardLimits = {
  writeRecordsPerSecond: 1000,
  writeBytesPerSecond: 1024 * 1024,
  readCallsPerSecond: 5,
  readBytesPerSecond: 2 * 1024 * 1024,
};

type Buckets = { records: TokenBucket; bytes: TokenBucket; calls: TokenBucket; read: TokenBucket };

/** The shards' token buckets; with no limits, everything is admitted. */
export class ShardThroughput {
  private readonly buckets = new WeakMap<ShardLog, Buckets>();

  private readonly limits: ShardLimits | undefined;

  constructor(limits: ShardLimits | undefined) {
    this.limits = limits;
  }

  /** Admits one record of `bytes` into the shard, or says it is over the shard's write rate. */
  admitWrite(shard: ShardLog, bytes: number, now: number): boolean {
    const b = this.of(shard, now);
    if (!b) return true;
    if (b.records.available(now) < 1 || b.bytes.available(now) < bytes) return false;
    b.records.take(1);
    b.bytes.take(bytes);
    return true;
  }

  /** Admits one GetRecords call: under 5 calls a second and not in debt for bytes read. */
  admitRead(shard: ShardLog, now: number): boolean {
    const b = this.of(shard, now);
    if (!b) return true;
    if (b.calls.available(now) < 1 || b.read.available(now) <= 0) return false;
    b.calls.take(1);
    return true;
  }

  /** Charges bytes read; a large read puts the shard in debt until the rate repays it. */
  chargeRead(shard: ShardLog, bytes: number, now: number): void {
    this.of(shard, now)?.read.take(bytes);
  }

  private of(shard: ShardLog, now: number): Buckets | undefined {
    if (!this.limits) return undefined;
    let b = this.buckets.get(shard);
    if (!b) {
      const l = this.limits;
      b = {
        records: new TokenBucket(l.writeRecordsPerSecond, now),
        bytes: new TokenBucket(l.writeBytesPerSecond, now),
        calls: new TokenBucket(l.readCallsPerSecond, now),
        read: new TokenBucket(l.readBytesPerSecond, now),
      };
      this.buckets.set(shard, b);
    }
    return b;
  }
}
