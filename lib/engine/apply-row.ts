import type { Pipeline } from '../pipeline/spec.ts';
import type { StoredWindowRow, WindowRowState } from '../store/window-rows.ts';
import { isLate } from '../windows/index.ts';
import { withCompareAndSet } from './compare-and-set.ts';
import type { DecodedEvent } from './decode-event.ts';
import { aboveFences, raiseFences } from './fences.ts';
import { lateLabel } from './late-label.ts';
import { decodePartial, encodePartial, paneGeneration } from './pane-share.ts';
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
import { writeThrough } from './row-cache.ts';
import { mayLackIndex, openedWindows } from './row-groups.ts';

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

/** The row after folding in `fresh` (the plan's events above its fences) at version + 1. */
export function nextRowState(
  pipeline: Pipeline,
  plan: RowPlan,
  fresh: readonly DecodedEvent[],
  stored: StoredWindowRow | undefined,
): WindowRowState {
  const { base, partials } = splitByGeneration(pipeline, plan, fresh);
  const delta = base.length === plan.events.length ? plan.combined : fold(pipeline, base);
  const acc = stored
    ? mergeRows(pipeline.aggregates, decodeRow(pipeline.aggregates, stored.acc), delta)
    : mergeRows(pipeline.aggregates, initRow(pipeline.aggregates), delta);
  return {
    end: plan.ref.end,
    final: false,
    events: (stored?.events ?? 0n) + BigInt(base.length),
    results: rowResults(pipeline.aggregates, acc),
    acc: encodeRow(pipeline.aggregates, acc),
    version: (stored?.version ?? 0n) + 1n,
    fences: raiseFences(stored?.fences, fresh),
    ...(partials.size > 0 || stored?.partials
      ? { partials: mergePartials(pipeline, stored?.partials, partials) }
      : {}),
  };
}

/**
 * The late events of a row found final (by protocol this does not happen: no batch plans a row
 * its cut has passed, and nothing else makes one final while its shard holds the watermark; it
 * stays as the guard it is): each event for the windows it was to count in.
 */
export function lateOnFinal(
  pipeline: Pipeline,
  plan: RowPlan,
  events: readonly DecodedEvent[],
): LateEvent[] {
  const { ref } = plan;
  if (ref.kind !== 'pane') {
    return events.map((event) => ({ event, window: lateLabel(ref.windowName, ref.start) }));
  }
  const allowed = pipeline.lateness.allowedMs;
  return events.flatMap((event) =>
    plan.opens
      .filter((w) => w.start <= event.time && event.time < w.end && !isLate(w, event.cut, allowed))
      .map((w) => ({ event, window: lateLabel(ref.windowName, w.start) })),
  );
}

/**
 * A pane row's fresh events by generation: the base (counted in all the pane's windows) and the
 * partials (late for some of them). Other rows are all base.
 */
function splitByGeneration(pipeline: Pipeline, plan: RowPlan, fresh: readonly DecodedEvent[]) {
  const partials = new Map<number, DecodedEvent[]>();
  if (plan.ref.kind !== 'pane') return { base: fresh, partials };
  const spec = pipeline.windows.find((w) => w.name === plan.ref.windowName)?.spec;
  if (spec?.kind !== 'sliding') return { base: fresh, partials };
  const base: DecodedEvent[] = [];
  const pane = { start: plan.ref.start, end: plan.ref.end };
  for (const event of fresh) {
    const generation = paneGeneration(pane, spec, pipeline.lateness.allowedMs, event.cut);
    if (generation === Number.NEGATIVE_INFINITY) base.push(event);
    else partials.set(generation, [...(partials.get(generation) ?? []), event]);
  }
  return { base, partials };
}

function mergePartials(
  pipeline: Pipeline,
  stored: ReadonlyMap<number, Uint8Array> | undefined,
  fresh: ReadonlyMap<number, readonly DecodedEvent[]>,
): Map<number, Uint8Array> {
  const merged = new Map(stored ?? []);
  for (const [generation, events] of fresh) {
    const before = merged.get(generation);
    const old = before ? decodePartial(before) : undefined;
    const acc = old
      ? mergeRows(
          pipeline.aggregates,
          decodeRow(pipeline.aggregates, old.acc),
          fold(pipeline, events),
        )
      : fold(pipeline, events);
    merged.set(
      generation,
      encodePartial(
        (old?.events ?? 0n) + BigInt(events.length),
        encodeRow(pipeline.aggregates, acc),
      ),
    );
  }
  return merged;
}

/**
 * Folds a batch's events into one window or pane row, exactly once: read the row, keep only the
 * events above its fences, write the merged accumulator with version + 1 if the version is still
 * the one read (or the row still absent), and retry on a lost compare-and-set. A final row takes
 * nothing more: its new events are late. A row `likelyNew` is not read first (the batch indexed
 * its windows already): its conditional insert either creates it or hands back the row that
 * exists, which the next try merges into. A row found missing is indexed before it is created,
 * so the closer can never miss a window that exists.
 */
export async function applyWindowRow(
  pipeline: Pipeline,
  plan: RowPlan,
  ports: EnginePorts,
  settings: EngineSettings,
  likelyNew = false,
): Promise<RowOutcome> {
  const { ref } = plan;
  const id = { key: ref.key, window: ref.window, bucket: ref.bucket, start: ref.start };
  const cache = ports.rowCache;
  let wrote = false;
  // A row this container wrote is not read again: a stale one loses its compare-and-set.
  let stored: StoredWindowRow | undefined = cache?.get(id);
  let remembered = stored !== undefined;
  let known = likelyNew || remembered;
  let indexed = likelyNew;
  const outcome = await withCompareAndSet<LateEvent[]>(async () => {
    if (!known) stored = await ports.rows.read(id);
    known = false;
    const fresh = aboveFences(plan.events, stored?.fences);
    if (fresh.length === 0) return { done: true, value: [] };
    if (stored?.final) return { done: true, value: lateOnFinal(pipeline, plan, fresh) };
    const state = nextRowState(pipeline, plan, fresh, stored);
    wrote = true;
    if (!indexed && mayLackIndex(plan, stored)) {
      await ports.index.addOpen(openedWindows(pipeline, [plan]));
      indexed = true;
    }
    const written = [{ id, state, fromMemory: remembered }];
    remembered = false;
    if (stored) {
      const version = stored.version;
      return (await writeThrough(cache, written, () => ports.rows.update(id, state, version)))
        ? { done: true, value: [] }
        : { done: false };
    }
    if (!indexed) {
      await ports.index.addOpen(openedWindows(pipeline, [plan]));
      indexed = true;
    }
    let existing: StoredWindowRow | undefined;
    const create = async () => {
      const outcome = await ports.rows.create(id, state);
      if (!outcome.created) existing = outcome.existing;
      return outcome.created;
    };
    if (await writeThrough(cache, written, create)) return { done: true, value: [] };
    // Lost to a row that exists: the next try starts from it, without reading it again.
    if (existing) {
      stored = existing;
      known = true;
    }
    return { done: false };
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
