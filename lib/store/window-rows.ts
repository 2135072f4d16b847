/** The identity of a window-table row. */
export type WindowRowId = { key: string; window: string; bucket: number; start: number };

/** What a window row holds besides its identity. */
export type WindowRowState = {
  end: number;
  final: boolean;
  events: bigint;
  /** One value per aggregate, in declaration order (the typed result columns). */
  results: readonly unknown[];
  acc: Uint8Array;
  version: bigint;
  /** Per shard, the highest sequence number already folded into this row. */
  fences: ReadonlyMap<string, bigint>;
  /** Pane rows only: events late for some of the pane's windows, by generation (pane-share.ts). */
  partials?: ReadonlyMap<number, Uint8Array>;
};

export type StoredWindowRow = WindowRowId & WindowRowState;

/** A conditional insert that lost comes back with the row that beat it (no read needed). */
export type CreateOutcome = { created: true } | { created: false; existing?: StoredWindowRow };

/** The row operations the engine needs; compare-and-set on `version` guards every change. */
export interface WindowRowStore {
  read(id: WindowRowId): Promise<StoredWindowRow | undefined>;
  /** Rows of one partition with start in [from, to), ascending. */
  readRange(partition: PartitionId, from: number, to: number): Promise<StoredWindowRow[]>;
  /** Inserts the row if it does not exist; when it does, says so with the stored row. */
  create(id: WindowRowId, state: WindowRowState): Promise<CreateOutcome>;
  /**
   * Replaces the row if it is still at `expectedVersion` and not final; false when someone else
   * moved it or it was made final meanwhile.
   */
  update(id: WindowRowId, state: WindowRowState, expectedVersion: bigint): Promise<boolean>;
  /**
   * Makes rows final. No batch writes them any more (the closer claimed them, and no batch plans
   * a row its cut has passed), so what this must settle is the past: on Cassandra a conditional
   * write per partition, which completes or supersedes any compare-and-set a timed-out writer
   * left half done, and whose Paxos ballot orders it after every earlier write whatever the
   * clocks say; on Keyspaces, where neither can happen, plain writes. A window indexed but never
   * written gets a row of only `final`: `read` returns it as final at version 0, and the results
   * readers (`readRange`, `scan`) skip it.
   */
  finalize(ids: readonly WindowRowId[]): Promise<void>;
  /**
   * Rows of one partition with start in [from, to), after every earlier compare-and-set on them
   * settled (see ExecuteOptions.settled): what the closer assembles a window from.
   */
  readSettled(partition: PartitionId, from: number, to: number): Promise<StoredWindowRow[]>;
  /**
   * True when several rows of one partition can be written in one compare-and-set
   * (`writePartition`): Cassandra, not Amazon Keyspaces.
   */
  readonly partitionWrites: boolean;
  /** Rows of one partition at these starts; an absent row has no entry. */
  readMany(partition: PartitionId, starts: readonly number[]): Promise<StoredWindowRow[]>;
  /**
   * Writes rows of one partition in one conditional batch: each is created if absent (no
   * `expectedVersion`) or replaced if still at its version and not final. All apply or none.
   */
  writePartition(partition: PartitionId, writes: readonly RowWrite[]): Promise<boolean>;
  /**
   * Single-writer pipelines (docs/single-writer.md): writes rows of one partition with no
   * condition, every state column but `final`, at write timestamp `timestamp` (µs). Of two
   * writes of a row, the one with the higher timestamp wins every cell, whatever lands last.
   */
  writeAt(partition: PartitionId, writes: readonly RowWrite[], timestamp: bigint): Promise<void>;
}

/** A partition of the window table: one key's rows of one window over a span of starts. */
export type PartitionId = Omit<WindowRowId, 'start'>;

/** One row of a partition write. */
export type RowWrite = { start: number; state: WindowRowState; expectedVersion?: bigint };
