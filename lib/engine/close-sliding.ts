import type { Pipeline } from '../pipeline/spec.ts';
import { bucketOf, paneRowName } from '../store/row-ref.ts';
import type { IndexedWindow } from '../store/window-index.ts';
import { closeTime, paneLength, panesOfWindow } from '../windows/index.ts';
import type { CloseResult } from './close-window.ts';
import { finalRowState } from './final-row.ts';
import { paneShare } from './pane-share.ts';
import type { EnginePorts } from './ports.ts';
import { initRow, mergeRows } from './row-accumulator.ts';

/**
 * Assembles a sliding window from its panes into its final row. No batch writes a pane for a
 * window the closer has claimed (a batch only counts an event in windows closing after its cut),
 * so the panes are read once, settled (every earlier compare-and-set on them complete), and each
 * gives its share: its base and the partials of events that were still open for this window.
 * A window no event counts in gets a row of only `final`, which results readers skip.
 */
export async function closeSliding(
  pipeline: Pipeline,
  entry: IndexedWindow,
  spec: { kind: 'sliding'; size: number; slide: number },
  ports: EnginePorts,
): Promise<CloseResult> {
  const window = { start: entry.start, end: entry.start + spec.size };
  const close = closeTime(window, pipeline.lateness.allowedMs);
  const length = paneLength(spec);
  const paneWindow = paneRowName(entry.window);
  const buckets = [...new Set(panesOfWindow(window, spec).map((p) => bucketOf(p.start, length)))];
  const acc = initRow(pipeline.aggregates);
  let events = 0n;
  for (const bucket of buckets) {
    const rows = await ports.rows.readSettled(
      { key: entry.key, window: paneWindow, bucket },
      window.start,
      window.end,
    );
    for (const row of rows) {
      const share = paneShare(pipeline.aggregates, row, close);
      mergeRows(pipeline.aggregates, acc, share.acc);
      events += share.events;
    }
  }
  const id = {
    key: entry.key,
    window: entry.window,
    bucket: bucketOf(entry.start, spec.slide),
    start: entry.start,
  };
  if (events === 0n) {
    await ports.rows.finalize([id]);
    return { finalized: 0, casRetries: 0 };
  }
  // Two closers assembling one window read the same settled panes and write the same row.
  const created = await ports.rows.create(
    id,
    finalRowState(pipeline.aggregates, window.end, acc, events),
  );
  return { finalized: created.created ? 1 : 0, casRetries: 0, closed: [entry] };
}
