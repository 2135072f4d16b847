import { evenRange, type HashKeyRange } from './hash-keys.ts';
import { invalidArgument, KinesisApiError } from './kinesis-api-error.ts';
import { ShardLog } from './shard-log.ts';
import type { ReshardStep } from './uniform-scaling.ts';

export type StreamStatus = 'CREATING' | 'ACTIVE' | 'UPDATING' | 'DELETING';

export const shardIdOf = (index: number) => `shardId-${String(index).padStart(12, '0')}`;

/** One stream: its shards (open and closed, in creation order) and settings. */
export class KinesisStream {
  status: StreamStatus = 'CREATING';
  retentionHours = 24;
  readonly shards: ShardLog[] = [];
  private readonly byId = new Map<string, ShardLog>();
  readonly tags = new Map<string, string>();

  readonly name: string;
  readonly arn: string;
  /** Creation time in ms; part of every sequence number. */
  readonly epoch: number;
  readonly mode: 'PROVISIONED' | 'ON_DEMAND';

  constructor(
    name: string,
    arn: string,
    epoch: number,
    shardCount: number,
    mode: 'PROVISIONED' | 'ON_DEMAND',
  ) {
    this.name = name;
    this.arn = arn;
    this.epoch = epoch;
    this.mode = mode;
    for (let i = 0; i < shardCount; i++) this.addShard(evenRange(i, shardCount), [], epoch);
  }

  get openShards(): ShardLog[] {
    return this.shards.filter((s) => s.open);
  }

  shard(id: string): ShardLog {
    const shard = this.byId.get(id);
    if (!shard) {
      throw new KinesisApiError(
        'ResourceNotFoundException',
        `Shard ${id} in stream ${this.name} under account ${this.account} does not exist`,
      );
    }
    return shard;
  }

  get account(): string {
    return this.arn.split(':')[4] ?? '';
  }

  /** The open shard whose range holds the hash key. */
  shardFor(hashKey: bigint): ShardLog {
    for (const shard of this.shards) {
      if (shard.open && shard.range.start <= hashKey && hashKey <= shard.range.end) return shard;
    }
    throw new Error(`no open shard holds hash key ${hashKey}`);
  }

  expire(now: number): void {
    const cutoff = now - this.retentionHours * 3_600_000;
    for (const shard of this.shards) shard.expireBefore(cutoff);
  }

  /** Throws the error Kinesis gives when the step cannot be made now. */
  check(step: ReshardStep): void {
    const parent = this.openShard(step.shardId);
    if (step.kind === 'split') {
      const at = step.newStartingHashKey;
      if (at <= parent.range.start || at > parent.range.end) {
        throw invalidArgument(
          `NewStartingHashKey ${at} used in SplitShard() on shard ${parent.id} in stream ${this.name} under account ${this.account} is not both greater than one plus the shard's StartingHashKey ${parent.range.start} and less than the shard's EndingHashKey ${parent.range.end}.`,
        );
      }
      return;
    }
    const adjacent = this.openShard(step.adjacentShardId);
    if (
      parent.range.end + 1n !== adjacent.range.start &&
      adjacent.range.end + 1n !== parent.range.start
    ) {
      throw invalidArgument(
        `Shards ${parent.id} and ${adjacent.id} in stream ${this.name} under account ${this.account} are not an adjacent pair of shards eligible for merging`,
      );
    }
  }

  /** Performs one split or merge; returns the children in hash key order. */
  reshard(step: ReshardStep, now: number): ShardLog[] {
    this.check(step);
    const parent = this.shard(step.shardId);
    if (step.kind === 'split') {
      const at = step.newStartingHashKey;
      parent.close(now);
      return [
        this.addShard({ start: parent.range.start, end: at - 1n }, [parent.id], now),
        this.addShard({ start: at, end: parent.range.end }, [parent.id], now),
      ];
    }
    const adjacent = this.shard(step.adjacentShardId);
    const [low, high] =
      parent.range.start < adjacent.range.start ? [parent, adjacent] : [adjacent, parent];
    parent.close(now);
    adjacent.close(now);
    return [
      this.addShard({ start: low.range.start, end: high.range.end }, [parent.id, adjacent.id], now),
    ];
  }

  private openShard(id: string): ShardLog {
    const shard = this.shard(id);
    if (!shard.open) {
      throw new KinesisApiError(
        'ResourceInUseException',
        `Shard ${id} in stream ${this.name} under account ${this.account} has already been merged or split, and thus is not eligible for merging or splitting.`,
      );
    }
    return shard;
  }

  private addShard(range: HashKeyRange, parents: string[], now: number): ShardLog {
    const index = this.shards.length;
    const shard = new ShardLog(index, shardIdOf(index), range, parents, now);
    this.shards.push(shard);
    this.byId.set(shard.id, shard);
    for (const parent of parents) this.byId.get(parent)?.children.push(shard.id);
    return shard;
  }
}
