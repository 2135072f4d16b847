import type { Pipeline } from '../pipeline/spec.ts';
import type { IndexedWindow } from '../store/window-index.ts';
import { paneLength, panesOfWindow } from '../windows/index.ts';
import { withCompareAndSet } from './compare-and-set.ts';
import type { EnginePorts, EngineSettings } from './ports.ts';
import { decodeRow, encodeRow, initRow, mergeRows, rowResults } from './row-accumulator.ts';
import { bucketOf, paneRowName, sessionBucketOf } from './row-ref.ts';
import { decodeSessionState, encodeSessionState } from './session-state.ts';

/** How many windows one close made final: 0 when another closer (or none was due) got there. */
export type CloseResult = { finalized: number; casRetries: number };

const OPEN_SUFFIX = '#open';

/**
 * Makes one due window final, exactly once, and records it in the closed index; then drops its
 * open-index entry. Safe to run twice or concurrently: every step is a compare-and-set or an
 * idempotent write, and a crash between steps is finished by the next run.
 */
export async function closeWindow(
  pipeline: Pipeline,
  entry: IndexedWindow,
  watermark: number,
  ports: EnginePorts,
  settings: EngineSettings,
): Promise<CloseResult> {
  const name = entry.window.endsWith(OPEN_SUFFIX)
    ? entry.window.slice(0, -OPEN_SUFFIX.length)
    : entry.window;
  const spec = pipeline.windows.find((w) => w.name === name)?.spec;
  let result: CloseResult = { finalized: 0, casRetries: 0 };
  if (spec?.kind === 'tumbling') result = await closeTumbling(entry, spec.size, ports, settings);
  if (spec?.kind === 'sliding') result = await closeSliding(pipeline, entry, spec, ports, settings);
  if (spec?.kind === 'session') {
    result = await closeSessions(pipeline, entry, name, watermark, ports, settings);
  }
  await ports.index.removeOpen(entry);
  return result;
}

async function closeTumbling(
  entry: IndexedWindow,
  size: number,
  ports: EnginePorts,
  settings: EngineSettings,
): Promise<CloseResult> {
  const id = {
    key: entry.key,
    window: entry.window,
    bucket: bucketOf(entry.start, size),
    start: entry.start,
  };
  const outcome = await withCompareAndSet<number>(async () => {
    const row = await ports.rows.read(id);
    if (!row) return { done: true, value: 0 };
    if (row.final) return { done: true, value: 0 };
    const applied = await ports.rows.update(
      id,
      { ...row, final: true, version: row.version + 1n },
      row.version,
    );
    return applied ? { done: true, value: 1 } : { done: false };
  }, settings.retry);
  if (!outcome.applied)
    throw new Error(`could not close ${entry.window} ${entry.key} ${entry.start}`);
  // Recorded whether or not this run won: a crash after the flag must not lose the index row.
  await ports.index.addClosed(entry, settings.now());
  return { finalized: outcome.value, casRetries: outcome.retries };
}

async function closeSliding(
  pipeline: Pipeline,
  entry: IndexedWindow,
  spec: { kind: 'sliding'; size: number; slide: number },
  ports: EnginePorts,
  settings: EngineSettings,
): Promise<CloseResult> {
  const window = { start: entry.start, end: entry.start + spec.size };
  const panes = panesOfWindow(window, spec);
  const buckets = [...new Set(panes.map((p) => bucketOf(p.start, paneLength(spec))))];
  const acc = initRow(pipeline.aggregates);
  let events = 0n;
  for (const bucket of buckets) {
    const rows = await ports.rows.readRange(
      { key: entry.key, window: paneRowName(entry.window), bucket },
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
  const created = await ports.rows.create(id, {
    end: window.end,
    final: true,
    events,
    results: rowResults(pipeline.aggregates, acc),
    acc: encodeRow(pipeline.aggregates, acc),
    version: 1n,
    fences: new Map(),
  });
  await ports.index.addClosed(entry, settings.now());
  return { finalized: created ? 1 : 0, casRetries: 0 };
}

async function closeSessions(
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
        {
          end: s.end,
          final: true,
          events: s.value.events,
          results: rowResults(pipeline.aggregates, s.value.acc),
          acc: encodeRow(pipeline.aggregates, s.value.acc),
          version: 1n,
          fences: new Map(),
        },
      );
      if (created) finalized++;
      await ports.index.addClosed(
        { closeAt: s.end + allowed, key: entry.key, window: name, start: s.start },
        settings.now(),
      );
    }
    const next = Math.min(...state.open.map((s) => s.end + allowed));
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
