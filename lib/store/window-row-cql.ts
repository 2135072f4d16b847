import cassandra from 'cassandra-driver';
import type { StoredWindowRow, WindowRowId, WindowRowState } from './window-rows.ts';

type Row = { get(name: string): unknown };

/** The window table's statements for a pipeline's result columns (all prepared). */
export function windowRowCql(table: string, columns: readonly string[]) {
  const results = columns.join(', ');
  const selected = `key, window, bucket, window_start, window_end, final, events, ${results}, acc, version, fences, partials`;
  const partition = 'key = ? AND window = ? AND bucket = ?';
  const marks = columns.map(() => '?').join(', ');
  const sets = columns.map((c) => `${c} = ?`).join(', ');
  return {
    select: `SELECT ${selected} FROM ${table} WHERE ${partition} AND window_start = ?`,
    selectMany: `SELECT ${selected} FROM ${table} WHERE ${partition} AND window_start IN ?`,
    selectRange: `SELECT ${selected} FROM ${table} WHERE ${partition} AND window_start >= ? AND window_start < ?`,
    selectAll: `SELECT ${selected} FROM ${table}`,
    insert:
      `INSERT INTO ${table} (key, window, bucket, window_start, window_end, final, events, ` +
      `${results}, acc, version, fences, partials, updated_at) ` +
      `VALUES (?, ?, ?, ?, ?, ?, ?, ${marks}, ?, ?, ?, ?, ?) IF NOT EXISTS`,
    update:
      `UPDATE ${table} SET window_end = ?, final = ?, events = ?, ${sets}, acc = ?, version = ?, ` +
      `fences = ?, updated_at = ? WHERE ${partition} AND window_start = ? ` +
      'IF version = ? AND final = false',
    // Partials are only ever added: appending writes no tombstone, unlike replacing the map.
    updateWithPartials:
      `UPDATE ${table} SET window_end = ?, final = ?, events = ?, ${sets}, acc = ?, version = ?, ` +
      `fences = ?, updated_at = ?, partials = partials + ? WHERE ${partition} AND window_start = ? ` +
      'IF version = ? AND final = false',
    // Single-writer pipelines: every state column but `final`, at the batch's claim timestamp.
    writeAt:
      `UPDATE ${table} USING TIMESTAMP ? SET window_end = ?, events = ?, ${sets}, acc = ?, ` +
      `version = ?, fences = ?, partials = ?, updated_at = ? WHERE ${partition} AND window_start = ?`,
    markFinal: `UPDATE ${table} SET final = true, updated_at = ? WHERE ${partition} AND window_start = ?`,
    finalize: `UPDATE ${table} SET final = true, updated_at = ? WHERE ${partition} AND window_start = ? IF final = false`,
    finalizeUnwritten: `INSERT INTO ${table} (key, window, bucket, window_start, final, updated_at) VALUES (?, ?, ?, ?, true, ?) IF NOT EXISTS`,
  };
}

export function idParams(id: WindowRowId): unknown[] {
  return [id.key, id.window, BigInt(id.bucket), new Date(id.start)];
}

export function insertParams(id: WindowRowId, state: WindowRowState): unknown[] {
  return [...idParams(id), ...stateParams(state), partialsParam(state), new Date()];
}

/** The update statement that fits the state (with partials only when it has some). */
export function updateOf(
  cql: ReturnType<typeof windowRowCql>,
  id: WindowRowId,
  state: WindowRowState,
  expectedVersion: bigint,
): { query: string; params: unknown[] } {
  const partials = state.partials && state.partials.size > 0;
  return {
    query: partials ? cql.updateWithPartials : cql.update,
    params: [
      ...stateParams(state),
      new Date(),
      ...(partials ? [partialsParam(state)] : []),
      ...idParams(id),
      expectedVersion,
    ],
  };
}

/**
 * A single-writer row write: every state column but `final`, the partials map whole and null when
 * there are none. Cassandra resolves each cell by its timestamp: a column this write left unset
 * would keep an older write's value that lands after it (a late zombie's partials, counted again).
 */
export function writeAtParams(
  id: WindowRowId,
  state: WindowRowState,
  timestamp: bigint,
): unknown[] {
  const [end, , events, ...rest] = stateParams(state);
  const partials = partialsParam(state);
  const whole = partials === cassandra.types.unset ? null : partials;
  return [timestamp, end, events, ...rest, whole, new Date(), ...idParams(id)];
}

/**
 * The partials by generation (epoch ms as text, the way `fences` keys its shards), or unset when
 * there are none (not null: a null would write a tombstone).
 */
function partialsParam(state: WindowRowState): unknown {
  if (!state.partials || state.partials.size === 0) return cassandra.types.unset;
  return Object.fromEntries(
    [...state.partials].map(([g, bytes]) => [String(g), Buffer.from(bytes)]),
  );
}

function stateParams(state: WindowRowState): unknown[] {
  return [
    new Date(state.end),
    state.final,
    state.events,
    ...state.results,
    Buffer.from(state.acc),
    state.version,
    Object.fromEntries(state.fences),
  ];
}

/** Only `final` was ever set: a window indexed by a batch that failed before writing it. */
export function isUnwritten(row: Row): boolean {
  return row.get('version') === null;
}

/** A row without a version (see markFinal) reads as final and empty, at version 0. */
export function fromRow(row: Row, columns: readonly string[]): StoredWindowRow {
  const fences = (row.get('fences') ?? {}) as Record<string, bigint | number | string>;
  const acc = row.get('acc') as Buffer | null;
  return {
    key: String(row.get('key')),
    window: String(row.get('window')),
    bucket: Number(row.get('bucket')),
    start: (row.get('window_start') as Date).getTime(),
    end: (row.get('window_end') as Date | null)?.getTime() ?? 0,
    final: row.get('final') === true,
    events: BigInt((row.get('events') as bigint | null) ?? 0n),
    results: columns.map((c) => row.get(c)),
    acc: acc ? new Uint8Array(acc.buffer, acc.byteOffset, acc.byteLength) : new Uint8Array(),
    version: BigInt((row.get('version') as bigint | null) ?? 0n),
    fences: new Map(Object.entries(fences).map(([shard, seq]) => [shard, BigInt(seq)])),
    ...partialsOf(row.get('partials')),
  };
}

function partialsOf(value: unknown): { partials?: Map<number, Uint8Array> } {
  if (!value) return {};
  const entries = value instanceof Map ? [...value] : Object.entries(value as object);
  if (entries.length === 0) return {};
  return {
    partials: new Map(
      entries.map(([g, bytes]: [unknown, Buffer]) => [
        Number(g),
        new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      ]),
    ),
  };
}
