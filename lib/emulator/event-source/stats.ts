/** Running figures of one event-source mapping, for logs and tests. */
export type MappingStats = {
  /** Records the function processed successfully. */
  records: number;
  invocations: number;
  retries: number;
  bisections: number;
  /** Records given up on (retries exhausted or too old) and described to the destination. */
  discarded: number;
  expired: number;
  shardsEnded: number;
  /** GetRecords calls answered: once one has, the shard's iterator exists (LATEST starts there). */
  polls: number;
  /** Per shard, by shard id: how far behind its reader is and what its batches did. */
  shards: Record<string, ShardStats>;
};

/** One shard of a mapping, as its consumer last saw it. */
export type ShardStats = {
  /** Kinesis' MillisBehindLatest at the last GetRecords: the iterator age. */
  behindMs: number;
  /** Records the function processed successfully. */
  records: number;
};

/** The figures of one shard, entered on first use. */
export function shardStats(stats: MappingStats, shardId: string): ShardStats {
  let shard = stats.shards[shardId];
  if (!shard) {
    shard = { behindMs: 0, records: 0 };
    stats.shards[shardId] = shard;
  }
  return shard;
}

export function emptyStats(): MappingStats {
  return {
    records: 0,
    invocations: 0,
    retries: 0,
    bisections: 0,
    discarded: 0,
    expired: 0,
    shardsEnded: 0,
    polls: 0,
    shards: {},
  };
}
