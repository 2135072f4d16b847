import type { EnginePorts } from '#lib/engine/ports';
import { RowCache } from '#lib/engine/row-cache';
import type { RejectedRecord } from '#lib/records/input-record';
import type { LateRecord } from '#lib/store/side-outputs';
import type { ShardWatermark } from '#lib/store/watermark';
import type { CloserCursor } from '#lib/store/watermark-store';
import type { IndexedWindow } from '#lib/store/window-index';
import type { StoredWindowRow, WindowRowId } from '#lib/store/window-rows';
import { type FaultPlan, Killed, StoreTimeout } from './fault-plan.ts';
import { modelIndexPort } from './model-index-port.ts';
import { modelRowsPort } from './model-rows-port.ts';
import { modelWatermarksPort } from './model-watermarks-port.ts';
import type { StoreSnapshot } from './store-snapshot.ts';

/** What the shared row cache keeps: a few dozen rows, so that schedules evict and go stale often. */
const MODEL_CACHE_BYTES = 12 * 1024;

/** Which store the model behaves as: Paxos with conditional batches, or Keyspaces. */
export type StoreMode = 'cassandra' | 'keyspaces';

/**
 * Who makes a call: a shard's invocation (its owner) or the tick; stopped when `killed`. Its
 * container (the row cache it shares with other invocations) is its owner's unless named.
 */
export type Caller = { owner?: string; killed: boolean; container?: string };

/** A row, with the client timestamp of its last plain write (single-writer pipelines). */
export type Row = StoredWindowRow & { unwritten?: boolean; writeTs?: bigint };

/** A conditional write's decision, made when its round reads: applied (with what) or not. */
type Proposal<T> = { applies: boolean; commit: () => void; result: T };

export const partitionOf = (id: { key: string; window: string; bucket: number }) =>
  `${id.key}\u0000${id.window}\u0000${id.bucket}`;
export const rowKeyOf = (id: WindowRowId) => `${partitionOf(id)}\u0000${id.start}`;
export const entryKeyOf = (w: IndexedWindow) =>
  `${String(w.closeAt).padStart(16, '0')}\u0000${w.key}\u0000${w.window}\u0000${String(w.start).padStart(16, '0')}`;

export function copyRow(row: Row): Row {
  return {
    ...row,
    fences: new Map(row.fences),
    ...(row.partials ? { partials: new Map(row.partials) } : {}),
  };
}

/**
 * The engine's ports in memory, faithful where exactly-once depends on it: compare-and-set per
 * row, conditional batches per partition (Cassandra), range deletes of the open index, plain
 * reads that see only committed writes, and Paxos rounds a timeout left half done (see FaultPlan).
 */
export class ModelStore {
  readonly mode: StoreMode;
  readonly faults: FaultPlan;
  /** Window rows of a single-writer pipeline: `final` and pane reads are plain (window-rows.ts). */
  singleWriter = false;
  readonly rows = new Map<string, Row>();
  readonly open = new Map<string, IndexedWindow>();
  readonly closed = new Map<string, IndexedWindow & { closedAt: number }>();
  readonly shards = new Map<string, ShardWatermark>();
  cursor: CloserCursor | undefined;
  readonly deadLetters = new Map<string, RejectedRecord>();
  readonly late = new Map<string, LateRecord>();
  /** Paxos proposals accepted and not committed, by partition. */
  readonly #pending = new Map<string, (() => void)[]>();
  /** Plain writes that timed out and have not landed yet (fault `late`). */
  #late: (() => void)[] = [];
  /** What must never happen, seen as it happened: two different writes at one timestamp. */
  readonly violations: string[] = [];

  constructor(mode: StoreMode, faults: FaultPlan) {
    this.mode = mode;
    this.faults = faults;
  }

  /**
   * Rows remembered between batches: a container per shard (its zombies and retries too) and one
   * for the tick, each small, so that stale and evicted rows are common: a stale one must lose its
   * compare-and-set.
   */
  readonly #caches = new Map<string, RowCache>();

  rowCacheOf(caller: Caller): RowCache {
    const container = caller.container ?? caller.owner ?? 'tick';
    let cache = this.#caches.get(container);
    if (!cache) {
      cache = new RowCache({
        maxBytes: MODEL_CACHE_BYTES,
        now: () => this.faults.now,
        id: container,
      });
      this.#caches.set(container, cache);
    }
    return cache;
  }

  /** The ports as one invocation (or the tick) sees them. */
  portsFor(caller: Caller): EnginePorts {
    return {
      rowCache: this.rowCacheOf(caller),
      rows: modelRowsPort(this, caller),
      index: modelIndexPort(this, caller),
      watermarks: modelWatermarksPort(this, caller),
      sideOutputs: {
        deadLetters: (source, rejected) =>
          this.plain(caller, 'deadLetters', () => {
            for (const r of rejected) {
              this.deadLetters.set(`${source}|${r.record.shardId}|${r.record.sequenceNumber}`, r);
            }
          }),
        lateEvents: (late) =>
          this.plain(caller, 'lateEvents', () => {
            for (const l of late) {
              this.late.set(`${l.record.shardId}|${l.record.sequenceNumber}|${l.window}`, l);
            }
          }),
      },
    };
  }

  /** A plain call: turns, then maybe a timeout (lost or applied), then turns. */
  plain<T>(caller: Caller, op: string, effect: () => T): Promise<T> {
    return this.#run(caller, op, undefined, () => {
      const result = effect();
      return { applies: true, commit: () => {}, result };
    });
  }

  /**
   * A Paxos round on `partition` (on Keyspaces, a plain conditional write): first it settles what
   * earlier rounds left half done there, then decides; a `pending` fault leaves its own write
   * accepted and uncommitted.
   */
  paxos<T>(caller: Caller, op: string, partition: string, decide: () => Proposal<T>): Promise<T> {
    return this.#run(caller, op, partition, () => {
      if (this.mode === 'cassandra') this.settle(partition);
      return decide();
    });
  }

  async #run<T>(
    caller: Caller,
    op: string,
    partition: string | undefined,
    decide: () => Proposal<T>,
  ): Promise<T> {
    await this.faults.yieldTurns();
    this.#landLateWrites(0.03);
    if (caller.killed) throw new Killed();
    const paxos = partition !== undefined && this.mode === 'cassandra';
    const fault = this.faults.faultOf(paxos, caller.owner, op);
    let result: T | undefined;
    if (fault === 'late') {
      this.#late.push(() => {
        const proposal = decide();
        if (proposal.applies) proposal.commit();
      });
    } else if (fault !== 'lost') {
      const proposal = decide();
      result = proposal.result;
      if (fault === 'pending' && partition !== undefined) {
        if (proposal.applies)
          this.#pending.set(partition, [...(this.#pending.get(partition) ?? []), proposal.commit]);
      } else if (proposal.applies) {
        proposal.commit();
      }
    }
    await this.faults.yieldTurns();
    if (caller.killed) throw new Killed();
    if (fault !== 'none') throw new StoreTimeout(op, fault);
    return result as T;
  }

  /** Completes or supersedes (at random) every half-done round on the partition. */
  settle(partition: string): void {
    const pending = this.#pending.get(partition);
    if (!pending) return;
    this.#pending.delete(partition);
    for (const commit of pending) if (this.faults.random() < 0.5) commit();
  }

  /** What is left, once every half-done round is settled (outcomeProblems reads it). */
  snapshot(): StoreSnapshot {
    this.settleAll();
    return {
      rows: [...this.rows.values()].map(copyRow),
      lateKeys: new Set(this.late.keys()),
      deadLetterKeys: new Set(
        [...this.deadLetters.values()].map((r) => `${r.record.shardId}|${r.record.sequenceNumber}`),
      ),
      open: [...this.open.values()],
      shards: [...this.shards.values()],
      violations: [...this.violations],
    };
  }

  /** Settles every partition: what the world looks like once every round is over. */
  settleAll(): void {
    for (const partition of [...this.#pending.keys()]) this.settle(partition);
    this.#landLateWrites(1);
  }

  /** Lands each late write with this chance (drawing only when some are waiting). */
  #landLateWrites(chance: number): void {
    if (this.#late.length === 0) return;
    const waiting = this.#late;
    this.#late = [];
    for (const land of waiting) {
      if (chance >= 1 || this.faults.random() < chance) land();
      else this.#late.push(land);
    }
  }
}
