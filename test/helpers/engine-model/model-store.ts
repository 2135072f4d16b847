import type { RejectedRecord } from '#lib/engine/input-record';
import type { EnginePorts } from '#lib/engine/ports';
import type { ShardState, ShardWatermark } from '#lib/engine/watermark';
import type { LateRecord } from '#lib/store/side-outputs';
import type { CloserCursor, ShardAdvance } from '#lib/store/watermark-store';
import { type IndexedWindow, indexBucketOf } from '#lib/store/window-index';
import type {
  CreateOutcome,
  PartitionId,
  RowWrite,
  StoredWindowRow,
  WindowRowId,
  WindowRowState,
} from '#lib/store/window-rows';
import { type FaultPlan, Killed, StoreTimeout } from './fault-plan.ts';
import type { StoreSnapshot } from './store-snapshot.ts';

/** Which store the model behaves as: Paxos with conditional batches, or Keyspaces. */
export type StoreMode = 'cassandra' | 'keyspaces';

/** Who makes a call: a shard's invocation (its owner) or the tick; stopped when `killed`. */
export type Caller = { owner?: string; killed: boolean };

type Row = StoredWindowRow & { unwritten?: boolean };

/** A conditional write's decision, made when its round reads: applied (with what) or not. */
type Proposal<T> = { applies: boolean; commit: () => void; result: T };

const partitionOf = (id: { key: string; window: string; bucket: number }) =>
  `${id.key}\u0000${id.window}\u0000${id.bucket}`;
const rowKeyOf = (id: WindowRowId) => `${partitionOf(id)}\u0000${id.start}`;
const entryKeyOf = (w: IndexedWindow) =>
  `${String(w.closeAt).padStart(16, '0')}\u0000${w.key}\u0000${w.window}\u0000${String(w.start).padStart(16, '0')}`;

function copyRow(row: Row): Row {
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
  readonly rows = new Map<string, Row>();
  readonly open = new Map<string, IndexedWindow>();
  readonly closed = new Map<string, IndexedWindow & { closedAt: number }>();
  readonly shards = new Map<string, ShardWatermark>();
  cursor: CloserCursor | undefined;
  readonly deadLetters = new Map<string, RejectedRecord>();
  readonly late = new Map<string, LateRecord>();
  /** Paxos proposals accepted and not committed, by partition. */
  readonly #pending = new Map<string, (() => void)[]>();

  constructor(mode: StoreMode, faults: FaultPlan) {
    this.mode = mode;
    this.faults = faults;
  }

  /** The ports as one invocation (or the tick) sees them. */
  portsFor(caller: Caller): EnginePorts {
    return {
      rows: this.#rowsPort(caller),
      index: this.#indexPort(caller),
      watermarks: this.#watermarksPort(caller),
      sideOutputs: {
        deadLetters: (source, rejected) =>
          this.#plain(caller, 'deadLetters', () => {
            for (const r of rejected) {
              this.deadLetters.set(`${source}|${r.record.shardId}|${r.record.sequenceNumber}`, r);
            }
          }),
        lateEvents: (late) =>
          this.#plain(caller, 'lateEvents', () => {
            for (const l of late) {
              this.late.set(`${l.record.shardId}|${l.record.sequenceNumber}|${l.window}`, l);
            }
          }),
      },
    };
  }

  /** A plain call: turns, then maybe a timeout (lost or applied), then turns. */
  async #plain<T>(caller: Caller, op: string, effect: () => T): Promise<T> {
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
  async #paxos<T>(
    caller: Caller,
    op: string,
    partition: string,
    decide: () => Proposal<T>,
  ): Promise<T> {
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
    if (caller.killed) throw new Killed();
    const paxos = partition !== undefined && this.mode === 'cassandra';
    const fault = this.faults.faultOf(paxos, caller.owner, op);
    let result: T | undefined;
    if (fault !== 'lost') {
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
    };
  }

  /** Settles every partition: what the world looks like once every round is over. */
  settleAll(): void {
    for (const partition of [...this.#pending.keys()]) this.settle(partition);
  }

  #rowsPort(caller: Caller): EnginePorts['rows'] {
    const read = (id: WindowRowId) => {
      const row = this.rows.get(rowKeyOf(id));
      return row ? copyRow(row) : undefined;
    };
    const range = (p: PartitionId, from: number, to: number) =>
      [...this.rows.values()]
        .filter(
          (r) =>
            !r.unwritten && partitionOf(r) === partitionOf(p) && r.start >= from && r.start < to,
        )
        .sort((a, b) => a.start - b.start)
        .map(copyRow);
    const put = (id: WindowRowId, state: WindowRowState): Row => ({ ...id, ...state });
    const applicable = (id: WindowRowId, expected?: bigint) => {
      const row = this.rows.get(rowKeyOf(id));
      return expected === undefined
        ? !row
        : row !== undefined && row.version === expected && !row.final;
    };
    return {
      partitionWrites: this.mode === 'cassandra',
      read: (id) => this.#plain(caller, 'read', () => read(id)),
      readMany: (p, starts) =>
        this.#plain(caller, 'readMany', () =>
          starts.flatMap((start) => read({ ...p, start }) ?? []),
        ),
      readRange: (p, from, to) => this.#plain(caller, 'readRange', () => range(p, from, to)),
      readSettled: (p, from, to) =>
        this.#paxos(caller, 'readSettled', partitionOf(p), () => ({
          applies: false,
          commit: () => {},
          result: range(p, from, to),
        })),
      create: (id, state) =>
        this.#paxos<CreateOutcome>(caller, 'create', partitionOf(id), () => {
          const existing = read(id);
          return existing
            ? { applies: false, commit: () => {}, result: { created: false, existing } }
            : {
                applies: true,
                commit: () => this.rows.set(rowKeyOf(id), put(id, state)),
                result: { created: true },
              };
        }),
      update: (id, state, expected) =>
        this.#paxos(caller, `update ${id.window}`, partitionOf(id), () => {
          const applies = applicable(id, expected);
          return {
            applies,
            commit: () => this.rows.set(rowKeyOf(id), put(id, state)),
            result: applies,
          };
        }),
      writePartition: (p, writes: readonly RowWrite[]) =>
        this.#paxos(caller, 'writePartition', partitionOf(p), () => {
          const applies = writes.every((w) =>
            applicable({ ...p, start: w.start }, w.expectedVersion),
          );
          return {
            applies,
            commit: () => {
              for (const w of writes) {
                const id = { ...p, start: w.start };
                this.rows.set(rowKeyOf(id), put(id, w.state));
              }
            },
            result: applies,
          };
        }),
      finalize: async (ids) => {
        const byPartition = new Map<string, WindowRowId[]>();
        for (const id of ids)
          byPartition.set(partitionOf(id), [...(byPartition.get(partitionOf(id)) ?? []), id]);
        for (const [partition, list] of byPartition) {
          const markFinal = () => {
            for (const id of list) {
              const row = this.rows.get(rowKeyOf(id));
              this.rows.set(
                rowKeyOf(id),
                row
                  ? { ...row, final: true }
                  : { ...id, ...EMPTY_FINAL, fences: new Map(), unwritten: true },
              );
            }
          };
          if (this.mode === 'cassandra') {
            // A conditional batch: settles the partition's half-done rounds, then applies.
            await this.#paxos(caller, 'finalize', partition, () => ({
              applies: true,
              commit: markFinal,
              result: undefined,
            }));
          } else {
            await this.#plain(caller, 'markFinal', markFinal);
          }
        }
      },
    };
  }

  #indexPort(caller: Caller): EnginePorts['index'] {
    const store = this;
    return {
      addOpen: (windows) =>
        store.#plain(caller, 'addOpen', () => {
          for (const w of windows) store.open.set(entryKeyOf(w), { ...w });
        }),
      addClosed: (windows, closedAt) =>
        store.#plain(caller, 'addClosed', () => {
          for (const w of windows) store.closed.set(entryKeyOf(w), { ...w, closedAt });
        }),
      dropClosedPage: (page) =>
        store.#plain(caller, 'dropClosedPage', () => {
          const first = page[0];
          const last = page.at(-1);
          if (!first || !last) return;
          if (store.mode === 'cassandra' && page.length > 1) {
            // One range deletion: whatever lies between the page's ends goes, read or not.
            const from = entryKeyOf(first);
            const to = entryKeyOf(last);
            for (const [k, w] of store.open) {
              if (
                indexBucketOf(w.closeAt) === indexBucketOf(first.closeAt) &&
                k >= from &&
                k <= to
              ) {
                store.open.delete(k);
              }
            }
          } else {
            for (const w of page) store.open.delete(entryKeyOf(w));
          }
        }),
      duePages: async function* (bucket, from, upTo, pageSize) {
        let after = '';
        for (;;) {
          const page = await store.#plain(caller, 'duePages', () =>
            [...store.open.entries()]
              .filter(
                ([k, w]) =>
                  indexBucketOf(w.closeAt) === bucket &&
                  w.closeAt >= from &&
                  w.closeAt <= upTo &&
                  k > after,
              )
              .sort(([a], [b]) => (a < b ? -1 : 1))
              .slice(0, pageSize),
          );
          if (page.length === 0) return;
          after = page.at(-1)?.[0] ?? after;
          yield page.map(([, w]) => ({ ...w }));
          if (page.length < pageSize) return;
        }
      },
      closedInBucket: (bucket) =>
        store.#plain(caller, 'closedInBucket', () =>
          [...store.closed.values()].filter((w) => indexBucketOf(w.closeAt) === bucket),
        ),
      lowestOpenBucket: () =>
        store.#plain(caller, 'lowestOpenBucket', () => {
          const buckets = [...store.open.values()].map((w) => indexBucketOf(w.closeAt));
          return buckets.length > 0 ? Math.min(...buckets) : undefined;
        }),
    };
  }

  #watermarksPort(caller: Caller): EnginePorts['watermarks'] {
    const shardCas = (
      op: string,
      shardId: string,
      expected: bigint | undefined,
      next: () => ShardWatermark | undefined,
    ) =>
      this.#paxos(caller, op, 'shard', () => {
        const current = this.shards.get(shardId);
        const applies = expected === undefined ? !current : current?.version === expected;
        const value = applies ? next() : undefined;
        return {
          applies,
          commit: () => {
            if (value) this.shards.set(shardId, value);
            else this.shards.delete(shardId);
          },
          result: applies,
        };
      });
    const cursorCas = (next: Omit<CloserCursor, 'version'>, previous?: CloserCursor) =>
      this.#paxos(caller, 'moveCursor', 'closer', () => {
        const applies = previous ? this.cursor?.version === previous.version : !this.cursor;
        const value = { ...next, version: (previous?.version ?? 0n) + 1n };
        return { applies, commit: () => (this.cursor = value), result: applies };
      });
    return {
      readShards: () =>
        this.#plain(caller, 'readShards', () => [...this.shards.values()].map((s) => ({ ...s }))),
      advanceShard: (next: ShardAdvance, previous) =>
        shardCas('advanceShard', next.shardId, previous.version, () => ({
          ...next,
          state: 'active',
          version: previous.version + 1n,
        })),
      registerShard: (shardId, now) =>
        shardCas('registerShard', shardId, undefined, () => ({
          shardId,
          watermark: Number.NEGATIVE_INFINITY,
          maxEventTime: Number.NEGATIVE_INFINITY,
          lastSeen: now,
          state: 'active',
          version: 1n,
        })),
      setShardState: (previous, state: ShardState, lastSeen) =>
        shardCas('setShardState', previous.shardId, previous.version, () => {
          const current = this.shards.get(previous.shardId) as ShardWatermark;
          return {
            ...current,
            state,
            lastSeen: lastSeen ?? current.lastSeen,
            version: previous.version + 1n,
          };
        }),
      removeShard: (shardId) =>
        this.#plain(caller, 'removeShard', () => {
          this.shards.delete(shardId);
        }),
      readCursor: () =>
        this.#plain(caller, 'readCursor', () => (this.cursor ? { ...this.cursor } : undefined)),
      moveCursor: (next, previous) => cursorCas(next, previous),
      bumpCursor: (previous) =>
        cursorCas(
          {
            claimed: previous?.claimed ?? Number.NEGATIVE_INFINITY,
            done: previous?.done ?? Number.NEGATIVE_INFINITY,
          },
          previous,
        ),
    };
  }
}

const EMPTY_FINAL: WindowRowState = {
  end: 0,
  final: true,
  events: 0n,
  results: [],
  acc: new Uint8Array(),
  version: 0n,
  fences: new Map(),
};
