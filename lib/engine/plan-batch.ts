import type { Pipeline } from '../pipeline/spec.ts';
import { isLate, paneOf, slidingWindowsOf, tumblingWindowOf } from '../windows/index.ts';
import type { TimeRange } from '../windows/window.ts';
import type { DecodedEvent } from './decode-event.ts';
import { lateLabel } from './late-label.ts';
import { addToRow, initRow, type RowAcc } from './row-accumulator.ts';
import { bucketOf, paneRowName, type RowRef, rowId, sessionsRowName } from './row-ref.ts';

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

function windowRef(key: string, windowName: string, range: TimeRange, length: number): RowRef {
  return {
    kind: 'window',
    key,
    window: windowName,
    windowName,
    ...range,
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
  const late: LateEvent[] = [];
  const allowed = pipeline.lateness.allowedMs;

  const addTo = (ref: RowRef, event: DecodedEvent) => {
    const id = rowId(ref);
    let plan = rows.get(id);
    if (!plan) {
      plan = { ref, events: [], combined: initRow(pipeline.aggregates), opens: [] };
      rows.set(id, plan);
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
        // The hot path: a row seen before in the batch costs a lookup, no new objects.
        const known = rows.get(rowId({ key: event.key, window: name, start: range.start }));
        if (known) {
          known.events.push(event);
          addToRow(pipeline.aggregates, known.combined, event.inputs);
          continue;
        }
        const ref = windowRef(event.key, name, range, spec.size);
        addTo(ref, event).opens.push(ref);
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
  return { rows: [...rows.values()], late };
}
