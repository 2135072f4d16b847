import type { Pipeline } from '../pipeline/spec.ts';
import {
  isLate,
  paneOf,
  slidingWindowsOf,
  tumblingWindowOf,
  windowsContainingPane,
} from '../windows/index.ts';
import type { TimeRange } from '../windows/window.ts';
import type { DecodedEvent } from './decode-event.ts';
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
 * conditional write per distinct row. Events whose windows are all final at `watermark` are late.
 */
export function planBatch(
  pipeline: Pipeline,
  events: readonly DecodedEvent[],
  watermark: number,
): BatchPlan {
  const rows = new Map<string, RowPlan>();
  const late: LateEvent[] = [];
  const allowed = pipeline.lateness.allowedMs;

  const addTo = (ref: RowRef, event: DecodedEvent, opens: () => RowRef[]) => {
    const id = rowId(ref);
    let plan = rows.get(id);
    if (!plan) {
      plan = { ref, events: [], combined: initRow(pipeline.aggregates), opens: opens() };
      rows.set(id, plan);
    }
    plan.events.push(event);
    addToRow(pipeline.aggregates, plan.combined, event.inputs);
  };

  for (const event of events) {
    for (const { name, spec } of pipeline.windows) {
      if (spec.kind === 'tumbling') {
        const range = tumblingWindowOf(event.time, spec.size);
        if (isLate(range, watermark, allowed)) {
          late.push({ event, window: name });
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
        addTo(ref, event, () => [ref]);
      } else if (spec.kind === 'sliding') {
        const open = slidingWindowsOf(event.time, spec).filter(
          (w) => !isLate(w, watermark, allowed),
        );
        if (open.length === 0) {
          late.push({ event, window: name });
          continue;
        }
        const pane = paneOf(event.time, spec);
        const paneRef: RowRef = {
          kind: 'pane',
          key: event.key,
          window: paneRowName(name),
          windowName: name,
          ...pane,
          bucket: bucketOf(pane.start, pane.end - pane.start),
        };
        addTo(paneRef, event, () =>
          windowsContainingPane(pane, spec)
            .filter((w) => !isLate(w, watermark, allowed))
            .map((w) => windowRef(event.key, name, w, spec.slide)),
        );
      } else {
        // Lateness of a session event depends on the stored sessions: decided when applied.
        const ref: RowRef = {
          kind: 'sessions',
          key: event.key,
          window: sessionsRowName(name),
          windowName: name,
          start: 0,
          end: 0,
          bucket: 0,
        };
        addTo(ref, event, () => []);
      }
    }
  }
  return { rows: [...rows.values()], late };
}
