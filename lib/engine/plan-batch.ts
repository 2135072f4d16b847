import type { Pipeline } from '../pipeline/spec.ts';
import { bucketOf, paneRowName, type RowRef, rowId, sessionsRowName } from '../store/row-ref.ts';
import { isLate, paneOf, slidingWindowsOf, tumblingWindowOf } from '../windows/index.ts';
import type { TimeRange } from '../windows/window.ts';
import type { DecodedEvent } from './decode-event.ts';
import { lateLabel } from './late-label.ts';
import { addToRow, initRow, type RowAcc } from './row-accumulator.ts';

/** What one row gets from a batch: its events in sequence order, and their fold. */
export type RowPlan = {
  ref: RowRef;
  events: DecodedEvent[];
  /** All of `events` folded together: used as is when none is under the row's fence. */
  combined: RowAcc;
  /** Windows to enter in the open-windows index when this row is created. */
  opens: RowRef[];
};

/** An event that came after its window had closed (Flink's late side output). */
export type LateEvent = { event: DecodedEvent; window: string };

export type BatchPlan = { rows: RowPlan[]; late: LateEvent[] };

/** The map of one tumbling window's rows by key, for one window start; made when first needed. */
function rowsOf(
  tumblingRows: Map<string, Map<number, Map<string, RowPlan>>>,
  window: string,
  start: number,
): Map<string, RowPlan> {
  let byStart = tumblingRows.get(window);
  if (!byStart) {
    byStart = new Map();
    tumblingRows.set(window, byStart);
  }
  let byKey = byStart.get(start);
  if (!byKey) {
    byKey = new Map();
    byStart.set(start, byKey);
  }
  return byKey;
}

function windowRef(key: string, windowName: string, range: TimeRange, length: number): RowRef {
  return {
    kind: 'window',
    key,
    window: windowName,
    windowName,
    start: range.start,
    end: range.end,
    bucket: bucketOf(range.start, length),
  };
}

/**
 * Groups a batch's events into per-row plans: each event goes to one row per window (a pane row
 * for sliding windows, the key's sessions row for session windows), so the batch costs one
 * conditional write per distinct row. An event is late for the windows closing at or before its
 * cut (lateness-cut.ts); a sliding event late for some of its windows still goes to its pane,
 * in the generation that keeps it out of those (pane-share.ts).
 */
export function planBatch(pipeline: Pipeline, events: readonly DecodedEvent[]): BatchPlan {
  const rows = new Map<string, RowPlan>();
  const ordered: RowPlan[] = [];
  // Tumbling rows by window, then window start, then key: finding a row seen before in the
  // batch allocates nothing (no row id string per event), the hot path at 10,000 records.
  const tumblingRows = new Map<string, Map<number, Map<string, RowPlan>>>();
  const late: LateEvent[] = [];
  const allowed = pipeline.lateness.allowedMs;

  // A row's arrays start as literals of their first element: most rows at high key counts get
  // one event, and an array grown by push from empty reserves 17 slots.
  const newPlan = (ref: RowRef, event: DecodedEvent, opens: RowRef[]): RowPlan => {
    const combined = addToRow(pipeline.aggregates, initRow(pipeline.aggregates), event.inputs);
    const plan: RowPlan = { ref, events: [event], combined, opens };
    ordered.push(plan);
    return plan;
  };
  const addTo = (ref: RowRef, event: DecodedEvent) => {
    const id = rowId(ref);
    const plan = rows.get(id);
    if (!plan) {
      const created = newPlan(ref, event, []);
      rows.set(id, created);
      return created;
    }
    plan.events.push(event);
    addToRow(pipeline.aggregates, plan.combined, event.inputs);
    return plan;
  };

  for (const event of events) {
    for (const { name, spec } of pipeline.windows) {
      if (spec.kind === 'tumbling') {
        const range = tumblingWindowOf(event.time, spec.size);
        if (isLate(range, event.cut, allowed)) {
          late.push({ event, window: lateLabel(name, range.start) });
          continue;
        }
        const byKey = rowsOf(tumblingRows, name, range.start);
        const plan = byKey.get(event.key);
        if (plan) {
          plan.events.push(event);
          addToRow(pipeline.aggregates, plan.combined, event.inputs);
        } else {
          const ref = windowRef(event.key, name, range, spec.size);
          byKey.set(event.key, newPlan(ref, event, [ref]));
        }
      } else if (spec.kind === 'sliding') {
        const windows = slidingWindowsOf(event.time, spec);
        const open = windows.filter((w) => !isLate(w, event.cut, allowed));
        for (const w of windows) {
          if (isLate(w, event.cut, allowed)) late.push({ event, window: lateLabel(name, w.start) });
        }
        if (open.length === 0) continue;
        const pane = paneOf(event.time, spec);
        const plan = addTo(
          {
            kind: 'pane',
            key: event.key,
            window: paneRowName(name),
            windowName: name,
            ...pane,
            bucket: bucketOf(pane.start, pane.end - pane.start),
          },
          event,
        );
        // The windows some event of the pane counts in (events of the batch may have other cuts).
        for (const w of open) {
          if (!plan.opens.some((o) => o.start === w.start)) {
            plan.opens.push(windowRef(event.key, name, w, spec.slide));
          }
        }
      } else {
        // Late when its own session (the event and the gap after it) closed at its cut, whatever
        // sessions are stored: so every attempt at the record decides the same way.
        const own = { start: event.time, end: event.time + spec.gap };
        if (isLate(own, event.cut, allowed)) {
          late.push({ event, window: lateLabel(name) });
          continue;
        }
        addTo(
          {
            kind: 'sessions',
            key: event.key,
            window: sessionsRowName(name),
            windowName: name,
            start: 0,
            end: 0,
            bucket: 0,
          },
          event,
        );
      }
    }
  }
  return { rows: ordered, late };
}
