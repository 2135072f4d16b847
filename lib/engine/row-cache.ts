import type { StoredWindowRow, WindowRowId } from '../store/window-rows.ts';

/** What a container's remembered rows may take, by default (of Lambda's 1,024 MB default). */
export const ROW_CACHE_BYTES = 64 * 1024 * 1024;
/** A row's memory besides its accumulators: identity, results, fences, the map entry. */
const ROW_OVERHEAD_BYTES = 320;
const FENCE_BYTES = 96;

/**
 * The window rows this container last read or wrote, so that a batch updating a row again
 * (steady state: the same keys batch after batch) need not read it first.
 *
 * Why a remembered row can stand in for a read: every write to a window row is a compare-and-set
 * from version v to v + 1 (or a create at 1, or `final` set without a version change), so a
 * version names the whole state of a row that is not final. An update built from a remembered
 * row is conditional on its version and on `final = false`; if anyone wrote or closed the row
 * since, it does not apply and the next try reads the row. Only what the store showed or
 * confirmed is remembered: a row read, a row a conditional write created or replaced (never one
 * whose write timed out or was lost, which is forgotten before the write goes out). Final rows
 * take no writes and are not kept.
 *
 * Least recently used rows are dropped past `maxBytes` (estimated: accumulators, a sketch's
 * included, plus a fixed share per row and per fence).
 */
export class RowCache {
  readonly maxBytes: number;
  readonly #rows = new Map<string, StoredWindowRow>();
  #bytes = 0;

  constructor(maxBytes = ROW_CACHE_BYTES) {
    this.maxBytes = maxBytes;
  }

  get(id: WindowRowId): StoredWindowRow | undefined {
    const key = cacheKey(id);
    const row = this.#rows.get(key);
    if (!row) return undefined;
    this.#rows.delete(key);
    this.#rows.set(key, row);
    return row;
  }

  remember(row: StoredWindowRow): void {
    const key = cacheKey(row);
    this.#drop(key);
    if (row.final || bytesOf(row) > this.maxBytes) return;
    this.#rows.set(key, row);
    this.#bytes += bytesOf(row);
    for (const oldest of this.#rows.keys()) {
      if (this.#bytes <= this.maxBytes) break;
      this.#drop(oldest);
    }
  }

  forget(id: WindowRowId): void {
    this.#drop(cacheKey(id));
  }

  get size(): number {
    return this.#rows.size;
  }

  /** The estimated memory of the rows remembered. */
  get bytes(): number {
    return this.#bytes;
  }

  #drop(key: string): void {
    const row = this.#rows.get(key);
    if (!row) return;
    this.#rows.delete(key);
    this.#bytes -= bytesOf(row);
  }
}

export function bytesOf(row: StoredWindowRow): number {
  let bytes = ROW_OVERHEAD_BYTES + row.acc.byteLength + row.key.length * 2;
  bytes += row.fences.size * FENCE_BYTES;
  for (const partial of row.partials?.values() ?? []) bytes += partial.byteLength + FENCE_BYTES;
  return bytes;
}

function cacheKey(id: WindowRowId): string {
  return `${id.key}\u0000${id.window}\u0000${id.bucket}\u0000${id.start}`;
}
