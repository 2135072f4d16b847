import type { Pipeline } from '../pipeline/spec.ts';
import type { WindowRowState } from '../store/window-rows.ts';
import { closeTime } from '../windows/index.ts';
import { withCompareAndSet } from './compare-and-set.ts';
import type { DecodedEvent } from './decode-event.ts';
import { aboveFences, raiseFences } from './fences.ts';
import type { LateEvent, RowPlan } from './plan-batch.ts';
import type { EnginePorts, EngineSettings } from './ports.ts';
import {
  addToRow,
  decodeRow,
  encodeRow,
  initRow,
  mergeRows,
  rowResults,
} from './row-accumulator.ts';

export type RowOutcome = {
  plan: RowPlan;
  applied: boolean;
  /** A conditional write was made (false when every event was under the fence already). */
  wrote: boolean;
  casRetries: number;
  late: LateEvent[];
  error?: unknown;
};

function fold(pipeline: Pipeline, events: readonly DecodedEvent[]) {
  const acc = initRow(pipeline.aggregates);
  for (const e of events) addToRow(pipeline.aggregates, acc, e.inputs);
  return acc;
}

/**
 * Folds a batch's events into one window or pane row, exactly once: read the row, keep only the
 * events above its fences, write the merged accumulator with version + 1 if the version is still
 * the one read (or the row still absent), and retry on a lost compare-and-set. A final row takes
 * nothing more: its new events are late.
 */
export async function applyWindowRow(
  pipeline: Pipeline,
  plan: RowPlan,
  ports: EnginePorts,
  settings: EngineSettings,
): Promise<RowOutcome> {
  const { ref } = plan;
  const id = { key: ref.key, window: ref.window, bucket: ref.bucket, start: ref.start };
  let wrote = false;
  const outcome = await withCompareAndSet<LateEvent[]>(async () => {
    const stored = await ports.rows.read(id);
    const fresh = aboveFences(plan.events, stored?.fences);
    if (fresh.length === 0) return { done: true, value: [] };
    if (stored?.final) {
      return { done: true, value: fresh.map((event) => ({ event, window: ref.windowName })) };
    }
    const delta = fresh.length === plan.events.length ? plan.combined : fold(pipeline, fresh);
    const acc = stored
      ? mergeRows(pipeline.aggregates, decodeRow(pipeline.aggregates, stored.acc), delta)
      : mergeRows(pipeline.aggregates, initRow(pipeline.aggregates), delta);
    const state: WindowRowState = {
      end: ref.end,
      final: false,
      events: (stored?.events ?? 0n) + BigInt(fresh.length),
      results: rowResults(pipeline.aggregates, acc),
      acc: encodeRow(pipeline.aggregates, acc),
      version: (stored?.version ?? 0n) + 1n,
      fences: raiseFences(stored?.fences, fresh),
    };
    if (!stored) {
      // Indexed before the row exists, so the closer can never miss a window that exists.
      await ports.index.addOpen(
        plan.opens.map((w) => ({
          closeAt: closeTime(w, pipeline.lateness.allowedMs),
          key: w.key,
          window: w.window,
          start: w.start,
        })),
      );
    }
    wrote = true;
    const applied = stored
      ? await ports.rows.update(id, state, stored.version)
      : await ports.rows.create(id, state);
    return applied ? { done: true, value: [] } : { done: false };
  }, settings.retry);
  return outcome.applied
    ? { plan, applied: true, wrote, casRetries: outcome.retries, late: outcome.value }
    : {
        plan,
        applied: false,
        wrote,
        casRetries: outcome.retries,
        late: [],
        ...(outcome.error ? { error: outcome.error } : {}),
      };
}
