import type { Pipeline } from '../pipeline/spec.ts';
import type { IndexedWindow } from '../store/window-index.ts';
import type { StoredWindowRow } from '../store/window-rows.ts';
import { closeTime } from '../windows/index.ts';
import type { RowPlan } from './plan-batch.ts';

/**
 * The rows to write together: one key's window or pane rows that share a partition, when the
 * store writes several rows in one compare-and-set; otherwise (and for session rows) each alone.
 */
export function rowGroups(rows: readonly RowPlan[], byPartition: boolean): RowPlan[][] {
  if (!byPartition) return rows.map((row) => [row]);
  const groups = new Map<string, RowPlan[]>();
  const out: RowPlan[][] = [];
  for (const row of rows) {
    if (row.ref.kind === 'sessions') {
      out.push([row]);
      continue;
    }
    const id = `${row.ref.window}\u0000${row.ref.key}\u0000${row.ref.bucket}`;
    const group = groups.get(id);
    if (group) group.push(row);
    else groups.set(id, [row]);
  }
  return [...out, ...groups.values()];
}

/** The window and pane rows' windows, by close time, for the open-windows index. */
export function openedWindows(pipeline: Pipeline, rows: readonly RowPlan[]): IndexedWindow[] {
  return rows.flatMap((row) =>
    row.opens.map((w) => ({
      closeAt: closeTime(w, pipeline.lateness.allowedMs),
      key: w.key,
      window: w.window,
      start: w.start,
    })),
  );
}

/**
 * True when a stored pane may lack index entries for windows this plan counts in: a pane is
 * indexed by its first write, for the windows that write's events count in; when all of them were
 * late for some windows (no base events yet), a later event with an earlier cut may count in
 * those, and its write indexes them. Rare: only panes begun by late events.
 */
export function mayLackIndex(plan: RowPlan, stored: StoredWindowRow | undefined): boolean {
  return (
    plan.ref.kind === 'pane' &&
    stored !== undefined &&
    stored.events === 0n &&
    (stored.partials?.size ?? 0) > 0
  );
}
