import type { NamedAggregate } from '../pipeline/spec.ts';
import type { Session } from '../windows/index.ts';
import { decodeRow, encodeRow, type RowAcc, RowAccumulatorError } from './row-accumulator.ts';

/**
 * A key's sessions of one session window, as kept in its `#open` row. `open` sessions still take
 * events; `closing` ones are final and being written out as window rows (two steps, so a crash
 * between them loses nothing): an event that would touch a closing session is late.
 */
export type SessionState = {
  open: Session<SessionValue>[];
  closing: Session<SessionValue>[];
  /**
   * The close time at which a closer last entered the row in the open index (close-sessions.ts):
   * the next closer drops that entry once it has entered its own, so an entry left by a closer
   * stopped halfway is not left behind the claim for ever.
   */
  indexed?: number;
};

/** What a session holds: the fold of its events, and how many there were. */
export type SessionValue = { acc: RowAcc; events: bigint };

/** Format 1 had no `indexed`; it is still read. */
const FORMAT = 2;
const HEADER_BYTES = 17;
const HEADER_OF_FORMAT: Record<number, number | undefined> = { 1: 9, 2: HEADER_BYTES };

export function emptySessionState(): SessionState {
  return { open: [], closing: [] };
}

/**
 * [format][open u32][closing u32][indexed f64, NaN for none], then per session
 * [start f64][end f64][events f64][len u32][row].
 */
export function encodeSessionState(
  aggregates: readonly NamedAggregate[],
  state: SessionState,
): Uint8Array {
  const sessions = [...state.open, ...state.closing];
  const rows = sessions.map((s) => encodeRow(aggregates, s.value.acc));
  const size = HEADER_BYTES + rows.reduce((n, r) => n + 28 + r.byteLength, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out[0] = FORMAT;
  view.setUint32(1, state.open.length);
  view.setUint32(5, state.closing.length);
  view.setFloat64(9, state.indexed ?? Number.NaN);
  let offset = HEADER_BYTES;
  sessions.forEach((s, i) => {
    const row = rows[i] as Uint8Array;
    view.setFloat64(offset, s.start);
    view.setFloat64(offset + 8, s.end);
    view.setFloat64(offset + 16, Number(s.value.events));
    view.setUint32(offset + 24, row.byteLength);
    out.set(row, offset + 28);
    offset += 28 + row.byteLength;
  });
  return out;
}

export function decodeSessionState(
  aggregates: readonly NamedAggregate[],
  bytes: Uint8Array,
): SessionState {
  if (bytes.byteLength === 0) return emptySessionState();
  const header = HEADER_OF_FORMAT[bytes[0] ?? 0];
  if (header === undefined || bytes.byteLength < header) {
    throw new RowAccumulatorError(`unknown session state format ${bytes[0]}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const openCount = view.getUint32(1);
  const total = openCount + view.getUint32(5);
  const state = emptySessionState();
  const indexed = header > 9 ? view.getFloat64(9) : Number.NaN;
  if (!Number.isNaN(indexed)) state.indexed = indexed;
  let offset = header;
  for (let i = 0; i < total; i++) {
    if (offset + 28 > bytes.byteLength) throw new RowAccumulatorError('session state truncated');
    const start = view.getFloat64(offset);
    const end = view.getFloat64(offset + 8);
    const events = BigInt(view.getFloat64(offset + 16));
    const length = view.getUint32(offset + 24);
    const acc = decodeRow(aggregates, bytes.subarray(offset + 28, offset + 28 + length));
    const value = { acc, events };
    (i < openCount ? state.open : state.closing).push({ start, end, value });
    offset += 28 + length;
  }
  return state;
}
