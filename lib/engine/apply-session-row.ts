import type { Pipeline } from '../pipeline/spec.ts';
import type { WindowRowState } from '../store/window-rows.ts';
import { addToSessions, closeTime } from '../windows/index.ts';
import type { RowOutcome } from './apply-row.ts';
import { withCompareAndSet } from './compare-and-set.ts';
import { aboveFences, raiseFences } from './fences.ts';
import type { LateEvent, RowPlan } from './plan-batch.ts';
import type { EnginePorts, EngineSettings } from './ports.ts';
import { addToRow, initRow, mergeRows } from './row-accumulator.ts';
import { writeThrough } from './row-cache.ts';
import { decodeSessionState, encodeSessionState, type SessionValue } from './session-state.ts';

function earliestClose(pipeline: Pipeline, sessions: readonly { end: number }[]): number {
  let earliest = Number.POSITIVE_INFINITY;
  for (const s of sessions) {
    earliest = Math.min(earliest, closeTime({ start: 0, end: s.end }, pipeline.lateness.allowedMs));
  }
  return earliest;
}

/**
 * Folds a batch's events into a key's open sessions (one row per key and session window), with
 * the same fence and compare-and-set protocol as window rows. Late events never get here (their
 * own session closed at their cut: planBatch). An event merges with the open sessions it
 * touches; a session already closing takes nothing more, so an event touching only that one
 * starts a session of its own, as Flink does once a merged window is purged.
 */
export async function applySessionRow(
  pipeline: Pipeline,
  plan: RowPlan,
  ports: EnginePorts,
  settings: EngineSettings,
): Promise<RowOutcome> {
  const { ref } = plan;
  const spec = pipeline.windows.find((w) => w.name === ref.windowName)?.spec;
  if (spec?.kind !== 'session') throw new Error(`${ref.windowName} is not a session window`);
  const gap = spec.gap;
  const id = { key: ref.key, window: ref.window, bucket: ref.bucket, start: ref.start };
  const mergeValues = (a: SessionValue, b: SessionValue): SessionValue => ({
    acc: mergeRows(pipeline.aggregates, a.acc, b.acc),
    events: a.events + b.events,
  });
  const cache = ports.rowCache;
  let wrote = false;
  // As for window rows (apply-row.ts): a remembered row on the first try, a read after.
  let remembered = cache?.get(id);
  const outcome = await withCompareAndSet<LateEvent[]>(async () => {
    const fromMemory = remembered !== undefined;
    const stored = remembered ?? (await ports.rows.read(id));
    remembered = undefined;
    const fresh = aboveFences(plan.events, stored?.fences);
    if (fresh.length === 0) return { done: true, value: [] };
    const state = decodeSessionState(pipeline.aggregates, stored?.acc ?? new Uint8Array());
    const closeBefore = earliestClose(pipeline, state.open);
    for (const event of fresh) {
      const value = {
        acc: addToRow(pipeline.aggregates, initRow(pipeline.aggregates), event.inputs),
        events: 1n,
      };
      state.open = addToSessions(state.open, event.time, gap, value, mergeValues);
    }
    const next: WindowRowState = {
      end: Math.max(0, ...state.open.map((s) => s.end)),
      final: false,
      events: state.open.reduce((n, s) => n + s.value.events, 0n),
      results: pipeline.aggregates.map(() => null),
      acc: encodeSessionState(pipeline.aggregates, state),
      version: (stored?.version ?? 0n) + 1n,
      fences: raiseFences(stored?.fences, fresh),
    };
    const closeAt = earliestClose(pipeline, state.open);
    if (closeAt < closeBefore) {
      await ports.index.addOpen([{ closeAt, key: ref.key, window: ref.window, start: ref.start }]);
    }
    wrote = true;
    const applied = await writeThrough(cache, [{ id, state: next, fromMemory }], async () =>
      stored
        ? ports.rows.update(id, next, stored.version)
        : (await ports.rows.create(id, next)).created,
    );
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
