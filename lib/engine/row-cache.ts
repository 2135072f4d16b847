import { randomUUID } from 'node:crypto';
import type { Pipeline } from '../pipeline/spec.ts';
import type { StoredWindowRow, WindowRowId, WindowRowState } from '../store/window-rows.ts';

/** How long a remembered row is trusted without a retention TTL that says less. */
export const ROW_CACHE_MAX_AGE_MS = 15 * 60_000;
/** The memory a container's remembered rows take by default (of Lambda's 1,024 MB default). */
export const ROW_CACHE_BYTES = 64 * 1024 * 1024;
/** Rows that lost with a remembered version, not remembered again (kept as ids only). */
const CONTENDED_ROWS = 10_000;
/** A row's memory besides its accumulators: identity, results, fences, the map entry. */
const ROW_OVERHEAD_BYTES = 320;
const FENCE_BYTES = 96;

export type RowCacheOptions = {
  /** The memory the rows may take (estimated: accumulators, a sketch's included). */
  maxBytes: number;
  /** How long after its write a row is trusted: less than the table's TTL (half of it). */
  maxAgeMs?: number;
  now?: () => number;
  /** Names this container in single-writer claims (random by default). */
  id?: string;
};

type Entry = { row: StoredWindowRow; at: number; bytes: number };

/**
 * The window rows this container's own compare-and-sets wrote, so that a batch updating a row
 * again (steady state: the same keys batch after batch) need not read it first.
 *
 * Why a remembered row can stand in for a read: every write to a window row is a compare-and-set
 * from version v to v + 1 (or a create at 1, or `final` set without a version change), so a
 * version names the whole state of a row that is not final. An update built from a remembered
 * row is conditional on its version and on `final = false`; if anyone wrote or closed the row
 * since, it does not apply and the next try reads the row. Only writes the store confirmed are
 * remembered (a row is forgotten before its write goes out: a write that timed out may land or
 * not), and only for `maxAgeMs`, well inside the table's TTL: an expired row recreated up to the
 * same version would otherwise pass the check.
 *
 * A row that another writer keeps changing (its remembered version lost) is not remembered again:
 * for it a lost compare-and-set costs more than the read it saves. Least recently used rows are
 * dropped past `maxBytes`.
 */
export class RowCache {
  /** This container, as single-writer claims name it (docs/single-writer.md). */
  readonly id: string;
  readonly #rows = new Map<string, Entry>();
  readonly #contended = new Set<string>();
  /** Per shard, the last claim this container made and saw acknowledged (single-writer). */
  readonly #claims = new Map<string, bigint>();
  readonly #maxBytes: number;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  #bytes = 0;

  constructor(options: RowCacheOptions) {
    this.#maxBytes = options.maxBytes;
    this.#maxAgeMs = options.maxAgeMs ?? ROW_CACHE_MAX_AGE_MS;
    this.#now = options.now ?? Date.now;
    this.id = options.id ?? randomUUID();
  }

  get(id: WindowRowId): StoredWindowRow | undefined {
    const key = cacheKey(id);
    const entry = this.#rows.get(key);
    if (!entry) return undefined;
    this.#rows.delete(key);
    if (this.#now() - entry.at > this.#maxAgeMs) {
      this.#bytes -= entry.bytes;
      return undefined;
    }
    this.#rows.set(key, entry);
    return entry.row;
  }

  /** A row as this container's confirmed compare-and-set left it. */
  remember(row: StoredWindowRow): void {
    const key = cacheKey(row);
    this.#drop(key);
    if (row.final || this.#contended.has(key)) return;
    const kept = unpooled(row);
    const bytes = bytesOf(kept);
    if (bytes > this.#maxBytes) return;
    this.#rows.set(key, { row: kept, at: this.#now(), bytes });
    this.#bytes += bytes;
    for (const oldest of this.#rows.keys()) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#drop(oldest);
    }
  }

  forget(id: WindowRowId): void {
    this.#drop(cacheKey(id));
  }

  /** A remembered version of this row lost its compare-and-set: read it from now on. */
  contended(id: WindowRowId): void {
    const key = cacheKey(id);
    this.#drop(key);
    this.#contended.add(key);
    for (const oldest of this.#contended) {
      if (this.#contended.size <= CONTENDED_ROWS) break;
      this.#contended.delete(oldest);
    }
  }

  /** Forgets every row: another container may have written any of them since. */
  clear(): void {
    this.#rows.clear();
    this.#bytes = 0;
  }

  /** The last claim on `shardId` this container made and saw acknowledged. */
  lastClaim(shardId: string): bigint | undefined {
    return this.#claims.get(shardId);
  }

  claimed(shardId: string, timestamp: bigint): void {
    this.#claims.set(shardId, timestamp);
  }

  get size(): number {
    return this.#rows.size;
  }

  /** The estimated memory of the rows remembered. */
  get bytes(): number {
    return this.#bytes;
  }

  #drop(key: string): void {
    const entry = this.#rows.get(key);
    if (!entry) return;
    this.#rows.delete(key);
    this.#bytes -= entry.bytes;
  }
}

/** A row a conditional write sets: its id, its new state, and whether its base came from memory. */
export type RowWriteThrough = { id: WindowRowId; state: WindowRowState; fromMemory: boolean };

/**
 * Makes `write` (one conditional write of these rows: all apply or none) with the cache kept
 * true: the rows are forgotten while it is in flight (a write that times out may land or not),
 * remembered as written if it applied, and marked contended where a remembered base lost.
 * Returns whether it applied.
 */
export async function writeThrough(
  cache: RowCache | undefined,
  rows: readonly RowWriteThrough[],
  write: () => Promise<boolean>,
): Promise<boolean> {
  for (const row of rows) cache?.forget(row.id);
  const applied = await write();
  for (const { id, state, fromMemory } of rows) {
    if (applied) cache?.remember({ ...id, ...state });
    else if (fromMemory) cache?.contended(id);
  }
  return applied;
}

/** A container's row cache for `pipeline`: trusted for at most half its tables' TTL. */
export function rowCacheFor(
  pipeline: Pipeline,
  maxBytes = ROW_CACHE_BYTES,
  now: () => number = Date.now,
): RowCache {
  const ttlMs = (pipeline.retentionSeconds ?? Number.POSITIVE_INFINITY) * 1000;
  return new RowCache({ maxBytes, maxAgeMs: Math.min(ROW_CACHE_MAX_AGE_MS, ttlMs / 2), now });
}

export function bytesOf(row: StoredWindowRow): number {
  let bytes = ROW_OVERHEAD_BYTES + row.acc.byteLength + row.key.length * 2;
  bytes += row.fences.size * FENCE_BYTES;
  for (const partial of row.partials?.values() ?? []) bytes += partial.byteLength + FENCE_BYTES;
  return bytes;
}

/**
 * The row with its byte arrays copied where they are views of a larger buffer (the driver's
 * pooled reads), so that what it keeps is what bytesOf counts.
 */
function unpooled(row: StoredWindowRow): StoredWindowRow {
  const own = (bytes: Uint8Array) =>
    bytes.byteLength < bytes.buffer.byteLength ? new Uint8Array(bytes) : bytes;
  return {
    ...row,
    acc: own(row.acc),
    ...(row.partials
      ? { partials: new Map([...row.partials].map(([g, bytes]) => [g, own(bytes)])) }
      : {}),
  };
}

function cacheKey(id: WindowRowId): string {
  return `${id.key}\u0000${id.window}\u0000${id.bucket}\u0000${id.start}`;
}
