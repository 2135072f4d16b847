import type { NamedAggregate } from '../pipeline/spec.ts';
import type { StoredWindowRow } from '../store/window-rows.ts';
import {
  closeTime,
  type SlideShape,
  type TimeRange,
  windowsContainingPane,
} from '../windows/index.ts';
import { decodeRow, initRow, mergeRows, type RowAcc } from './row-accumulator.ts';

/**
 * A pane row holds events of one slice of a sliding window. Most count in every window holding
 * the pane: they are the row's `acc`. An event whose cut had passed some of those windows (late
 * for them, counted in the later ones) goes to a partial, keyed by its generation: the close time
 * of the last window it is late for. A window's share of the pane is the base plus the partials
 * of generations before its own close time. Rare in practice, and exact by construction: the
 * closer never needs to know when an event landed, only which generation it landed in.
 */

/** The generation of an event with `cut` in `pane`: -Infinity when every window counts it. */
export function paneGeneration(
  pane: TimeRange,
  spec: SlideShape,
  allowedMs: number,
  cut: number,
): number {
  let generation = Number.NEGATIVE_INFINITY;
  for (const w of windowsContainingPane(pane, spec)) {
    const close = closeTime(w, allowedMs);
    if (close <= cut) generation = Math.max(generation, close);
  }
  return generation;
}

/** A partial as stored: its event count (8 bytes, big-endian), then the encoded accumulator. */
export function encodePartial(events: bigint, acc: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(8 + acc.byteLength);
  new DataView(bytes.buffer).setBigUint64(0, events);
  bytes.set(acc, 8);
  return bytes;
}

export function decodePartial(bytes: Uint8Array): { events: bigint; acc: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { events: view.getBigUint64(0), acc: bytes.subarray(8) };
}

/** What a window closing at `windowClose` takes from a pane row: base plus earlier partials. */
export function paneShare(
  aggregates: readonly NamedAggregate[],
  row: Pick<StoredWindowRow, 'acc' | 'events' | 'partials'>,
  windowClose: number,
): { acc: RowAcc; events: bigint } {
  const acc = row.acc.byteLength > 0 ? decodeRow(aggregates, row.acc) : initRow(aggregates);
  let events = row.events;
  for (const [generation, bytes] of row.partials ?? []) {
    if (generation >= windowClose) continue;
    const part = decodePartial(bytes);
    mergeRows(aggregates, acc, decodeRow(aggregates, part.acc));
    events += part.events;
  }
  return { acc, events };
}
