import type { Pipeline } from '../pipeline/spec.ts';
import type { IndexedWindow } from '../store/window-index.ts';
import type { WindowRowId } from '../store/window-rows.ts';
import { paneLength, panesOfWindow } from '../windows/index.ts';
import type { CloseResult } from './close-window.ts';
import { withCompareAndSet } from './compare-and-set.ts';
import { finalRowState } from './final-row.ts';
import type { EnginePorts, EngineSettings } from './ports.ts';
import { decodeRow, initRow, mergeRows } from './row-accumulator.ts';
import { bucketOf, paneRowName } from './row-ref.ts';

/** Assembles a sliding window from its panes into a final row, once. */
export async function closeSliding(
  pipeline: Pipeline,
  entry: IndexedWindow,
  spec: { kind: 'sliding'; size: number; slide: number },
  ports: EnginePorts,
  settings: EngineSettings,
): Promise<CloseResult> {
  const window = { start: entry.start, end: entry.start + spec.size };
  const panes = panesOfWindow(window, spec);
  const length = paneLength(spec);
  const paneWindow = paneRowName(entry.window);
  // This is the last window of the panes in its first slide: seal them before reading, so a
  // writer that still thought the window open finds them final and records its events as late.
  let casRetries = 0;
  for (const pane of panes.filter((p) => p.start < window.start + spec.slide)) {
    const id = {
      key: entry.key,
      window: paneWindow,
      bucket: bucketOf(pane.start, length),
      start: pane.start,
    };
    casRetries += await sealPane(pipeline, id, pane.end, ports, settings);
  }
  const buckets = [...new Set(panes.map((p) => bucketOf(p.start, length)))];
  const acc = initRow(pipeline.aggregates);
  let events = 0n;
  for (const bucket of buckets) {
    const rows = await ports.rows.readRange(
      { key: entry.key, window: paneWindow, bucket },
      window.start,
      window.end,
    );
    for (const row of rows) {
      mergeRows(pipeline.aggregates, acc, decodeRow(pipeline.aggregates, row.acc));
      events += row.events;
    }
  }
  const id = {
    key: entry.key,
    window: entry.window,
    bucket: bucketOf(entry.start, spec.slide),
    start: entry.start,
  };
  const created = await ports.rows.create(
    id,
    finalRowState(pipeline.aggregates, window.end, acc, events),
  );
  // The final row exists before the closed index says so; a rerun finds it and records it again.
  return { finalized: created.created ? 1 : 0, casRetries, closed: [entry] };
}

/** Marks a pane final (creating it empty if no event reached it yet); returns the CAS retries. */
async function sealPane(
  pipeline: Pipeline,
  id: WindowRowId,
  end: number,
  ports: EnginePorts,
  settings: EngineSettings,
): Promise<number> {
  const outcome = await withCompareAndSet<undefined>(async () => {
    const row = await ports.rows.read(id);
    if (row?.final) return { done: true, value: undefined };
    const applied = row
      ? await ports.rows.update(id, { ...row, final: true, version: row.version + 1n }, row.version)
      : (
          await ports.rows.create(
            id,
            finalRowState(pipeline.aggregates, end, initRow(pipeline.aggregates), 0n),
          )
        ).created;
    return applied ? { done: true, value: undefined } : { done: false };
  }, settings.retry);
  if (!outcome.applied) throw new Error(`could not seal pane ${id.window} ${id.key} ${id.start}`);
  return outcome.retries;
}
