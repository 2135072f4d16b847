import { paneShare } from '../engine/pane-share.ts';
import { initRow, mergeRows, rowResults } from '../engine/row-accumulator.ts';
import { decodeSessionState } from '../engine/session-state.ts';
import type { NamedAggregate, Pipeline } from '../pipeline/spec.ts';
import type { StoredWindowRow } from '../store/window-rows.ts';
import { closeTime, panesOfWindow, type SlidingSpec, slidingWindowsOf } from '../windows/index.ts';
import {
  compareResults,
  matchesFilter,
  type WindowFilter,
  type WindowResult,
} from './window-result.ts';

const PANES = '#panes';
const OPEN = '#open';

function valuesOf(aggregates: readonly NamedAggregate[], results: readonly unknown[]) {
  return Object.fromEntries(aggregates.map((a, i) => [a.name, results[i] ?? null]));
}

/**
 * The windows of one key from its stored rows: final and tumbling rows as they are, open sliding
 * windows assembled from their panes, open session windows from the key's session state.
 */
export function assembleWindows(
  pipeline: Pipeline,
  key: string,
  rows: readonly StoredWindowRow[],
  filter: WindowFilter = {},
): WindowResult[] {
  const { aggregates } = pipeline;
  const out: WindowResult[] = [];
  const stored = new Set<string>();
  const panes = new Map<string, StoredWindowRow[]>();
  const sessions: WindowResult[] = [];
  for (const row of rows) {
    if (row.window.endsWith(PANES)) {
      const name = row.window.slice(0, -PANES.length);
      panes.set(name, [...(panes.get(name) ?? []), row]);
    } else if (row.window.endsWith(OPEN)) {
      sessions.push(...openSessions(aggregates, key, row.window.slice(0, -OPEN.length), row));
    } else {
      stored.add(`${row.window}@${row.start}`);
      const values = valuesOf(aggregates, row.results);
      out.push({
        key,
        window: row.window,
        start: row.start,
        end: row.end,
        final: row.final,
        events: row.events,
        values,
      });
    }
  }
  for (const [name, list] of panes) {
    const spec = pipeline.windows.find((w) => w.name === name)?.spec;
    if (spec?.kind !== 'sliding') continue;
    out.push(
      ...openSliding(aggregates, pipeline.lateness.allowedMs, key, name, spec, list, stored),
    );
  }
  // A session being closed is in the state and may already have its final row: keep the row.
  out.push(...sessions.filter((w) => !stored.has(`${w.window}@${w.start}`)));
  return out
    .filter(
      (w) =>
        (filter.window === undefined || w.window === filter.window) && matchesFilter(w, filter),
    )
    .sort(compareResults);
}

function openSessions(
  aggregates: readonly NamedAggregate[],
  key: string,
  window: string,
  row: StoredWindowRow,
): WindowResult[] {
  const state = decodeSessionState(aggregates, row.acc);
  return [...state.open, ...state.closing].map((s) => ({
    key,
    window,
    start: s.start,
    end: s.end,
    final: false,
    events: s.value.events,
    values: valuesOf(aggregates, rowResults(aggregates, s.value.acc)),
  }));
}

/** Every window that holds a stored pane and has no final row yet, merged from its panes. */
function openSliding(
  aggregates: readonly NamedAggregate[],
  allowedMs: number,
  key: string,
  window: string,
  spec: SlidingSpec,
  panes: readonly StoredWindowRow[],
  stored: ReadonlySet<string>,
): WindowResult[] {
  const byStart = new Map(panes.map((p) => [p.start, p]));
  const starts = new Set(panes.flatMap((p) => slidingWindowsOf(p.start, spec).map((w) => w.start)));
  const out: WindowResult[] = [];
  for (const start of [...starts].sort((a, b) => a - b)) {
    if (stored.has(`${window}@${start}`)) continue;
    const range = { start, end: start + spec.size };
    const acc = initRow(aggregates);
    let events = 0n;
    for (const pane of panesOfWindow(range, spec)) {
      const row = byStart.get(pane.start);
      if (!row) continue;
      // The pane's share for this window: without events that were late for it.
      const share = paneShare(aggregates, row, closeTime(range, allowedMs));
      mergeRows(aggregates, acc, share.acc);
      events += share.events;
    }
    // No event counts in it (they were all late for it): the window does not exist.
    if (events === 0n) continue;
    out.push({
      key,
      window,
      ...range,
      final: false,
      events,
      values: valuesOf(aggregates, rowResults(aggregates, acc)),
    });
  }
  return out;
}

/** The windows of rows of any keys, each key's assembled as above, in `cassflow query`'s order. */
export function assembleAllWindows(
  pipeline: Pipeline,
  rows: Iterable<StoredWindowRow>,
  filter: WindowFilter = {},
): WindowResult[] {
  const byKey = new Map<string, StoredWindowRow[]>();
  for (const row of rows) {
    const list = byKey.get(row.key);
    if (list) list.push(row);
    else byKey.set(row.key, [row]);
  }
  return [...byKey]
    .flatMap(([key, list]) => assembleWindows(pipeline, key, list, filter))
    .sort(compareResults);
}
