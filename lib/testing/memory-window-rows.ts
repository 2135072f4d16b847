import type {
  CreateOutcome,
  PartitionId,
  RowWrite,
  StoredWindowRow,
  WindowRowId,
  WindowRowState,
  WindowRowStore,
} from '../store/window-rows.ts';

/** A row, a window made final that no event reached (`unwritten`), and its write timestamp. */
type MemoryRow = StoredWindowRow & { unwritten?: boolean; writeTs?: bigint };

const partitionOf = (p: PartitionId) => JSON.stringify([p.key, p.window, p.bucket]);
const rowOf = (id: WindowRowId) => JSON.stringify([id.key, id.window, id.bucket, id.start]);

function copy(row: MemoryRow): StoredWindowRow {
  const { unwritten: _, writeTs: __, ...stored } = row;
  return {
    ...stored,
    fences: new Map(row.fences),
    ...(row.partials ? { partials: new Map(row.partials) } : {}),
  };
}

/**
 * The window table in memory, with the store's rules: compare-and-set on `version`, no change
 * to a final row, conditional partition writes all or nothing, and plain writes resolved by
 * their timestamp. One process, no faults: every call applies at once.
 */
export class MemoryWindowRows implements WindowRowStore {
  readonly partitionWrites = true;
  readonly #rows = new Map<string, MemoryRow>();

  async read(id: WindowRowId) {
    const row = this.#rows.get(rowOf(id));
    return row && copy(row);
  }

  async readMany(partition: PartitionId, starts: readonly number[]) {
    return starts.flatMap((start) => {
      const row = this.#rows.get(rowOf({ ...partition, start }));
      return row ? [copy(row)] : [];
    });
  }

  async readRange(partition: PartitionId, from: number, to: number) {
    return this.#range(partition, from, to);
  }

  async readSettled(partition: PartitionId, from: number, to: number) {
    return this.#range(partition, from, to);
  }

  async create(id: WindowRowId, state: WindowRowState): Promise<CreateOutcome> {
    const existing = this.#rows.get(rowOf(id));
    if (existing) return { created: false, existing: copy(existing) };
    this.#rows.set(rowOf(id), { ...id, ...state });
    return { created: true };
  }

  async update(id: WindowRowId, state: WindowRowState, expectedVersion: bigint) {
    if (!this.#applies(id, expectedVersion)) return false;
    this.#rows.set(rowOf(id), { ...id, ...state });
    return true;
  }

  async writePartition(partition: PartitionId, writes: readonly RowWrite[]) {
    const applies = writes.every((w) =>
      this.#applies({ ...partition, start: w.start }, w.expectedVersion),
    );
    if (!applies) return false;
    for (const w of writes)
      this.#rows.set(rowOf({ ...partition, start: w.start }), {
        ...partition,
        start: w.start,
        ...w.state,
      });
    return true;
  }

  async writeAt(partition: PartitionId, writes: readonly RowWrite[], timestamp: bigint) {
    for (const write of writes) {
      const id = { ...partition, start: write.start };
      const row = this.#rows.get(rowOf(id));
      // Cassandra's rule: of two writes, the higher timestamp wins, whichever lands last.
      if (row?.writeTs !== undefined && row.writeTs >= timestamp) continue;
      const { final: _, ...state } = write.state;
      this.#rows.set(rowOf(id), {
        ...id,
        ...state,
        final: row?.final ?? false,
        writeTs: timestamp,
      });
    }
  }

  async finalize(ids: readonly WindowRowId[]) {
    for (const id of ids) {
      const row = this.#rows.get(rowOf(id));
      this.#rows.set(rowOf(id), row ? { ...row, final: true } : unwrittenFinal(id));
    }
  }

  /** Every row that holds results (not the markers of windows no event reached). */
  all(): StoredWindowRow[] {
    return [...this.#rows.values()].filter((r) => !r.unwritten).map(copy);
  }

  #applies(id: WindowRowId, expectedVersion: bigint | undefined): boolean {
    const row = this.#rows.get(rowOf(id));
    if (expectedVersion === undefined) return !row;
    return row !== undefined && row.version === expectedVersion && !row.final;
  }

  #range(partition: PartitionId, from: number, to: number): StoredWindowRow[] {
    const key = partitionOf(partition);
    return [...this.#rows.values()]
      .filter((r) => !r.unwritten && partitionOf(r) === key && r.start >= from && r.start < to)
      .sort((a, b) => a.start - b.start)
      .map(copy);
  }
}

function unwrittenFinal(id: WindowRowId): MemoryRow {
  return {
    ...id,
    end: 0,
    final: true,
    events: 0n,
    results: [],
    acc: new Uint8Array(),
    version: 0n,
    fences: new Map(),
    unwritten: true,
  };
}
