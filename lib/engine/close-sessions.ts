import type { Pipeline } from '../pipeline/spec.ts';
import type { IndexedWindow } from '../store/window-index.ts';
import type { CloseResult } from './close-window.ts';
import { withCompareAndSet } from './compare-and-set.ts';
import { finalRowState } from './final-row.ts';
import type { EnginePorts, EngineSettings } from './ports.ts';
import { sessionBucketOf } from './row-ref.ts';
import { decodeSessionState, encodeSessionState } from './session-state.ts';

/** Closes a key's due sessions: open → closing, then a final row each (two steps, crash-safe). */
export async function closeSessions(
  pipeline: Pipeline,
  entry: IndexedWindow,
  name: string,
  watermark: number,
  ports: EnginePorts,
  settings: EngineSettings,
): Promise<CloseResult> {
  const allowed = pipeline.lateness.allowedMs;
  const id = { key: entry.key, window: entry.window, bucket: 0, start: 0 };
  let finalized = 0;
  let casRetries = 0;
  // Step 1: move the sessions that are due from open to closing (they take no more events).
  const moved = await withCompareAndSet<boolean>(async () => {
    const row = await ports.rows.read(id);
    if (!row) return { done: true, value: false };
    const state = decodeSessionState(pipeline.aggregates, row.acc);
    const due = state.open.filter((s) => s.end + allowed <= watermark);
    if (due.length === 0 && state.closing.length === 0) return { done: true, value: false };
    state.open = state.open.filter((s) => s.end + allowed > watermark);
    state.closing = [...state.closing, ...due];
    const applied = await ports.rows.update(
      id,
      { ...row, acc: encodeSessionState(pipeline.aggregates, state), version: row.version + 1n },
      row.version,
    );
    return applied ? { done: true, value: true } : { done: false };
  }, settings.retry);
  casRetries += moved.retries;
  if (!moved.applied) throw new Error(`could not close sessions of ${entry.key} in ${name}`);

  // Step 2: write each closing session as a final window row, then drop it from the state.
  const done = await withCompareAndSet<number | undefined>(async () => {
    const row = await ports.rows.read(id);
    if (!row) return { done: true, value: undefined };
    const state = decodeSessionState(pipeline.aggregates, row.acc);
    for (const s of state.closing) {
      const created = await ports.rows.create(
        { key: entry.key, window: name, bucket: sessionBucketOf(s.start), start: s.start },
        finalRowState(pipeline.aggregates, s.end, s.value.acc, s.value.events),
      );
      if (created.created) finalized++;
      await ports.index.addClosed(
        [{ closeAt: s.end + allowed, key: entry.key, window: name, start: s.start }],
        settings.now(),
      );
    }
    const next = Math.min(...state.open.map((s) => s.end + allowed));
    // Nothing was closing: the state stays as it is, no conditional write needed.
    if (state.closing.length === 0) return { done: true, value: next };
    state.closing = [];
    const applied = await ports.rows.update(
      id,
      { ...row, acc: encodeSessionState(pipeline.aggregates, state), version: row.version + 1n },
      row.version,
    );
    return applied ? { done: true, value: next } : { done: false };
  }, settings.retry);
  casRetries += done.retries;
  if (!done.applied)
    throw new Error(`could not finish closing sessions of ${entry.key} in ${name}`);
  if (done.value !== undefined && Number.isFinite(done.value)) {
    await ports.index.addOpen([{ ...entry, closeAt: done.value }]);
  }
  return { finalized, casRetries };
}
