import type { Pipeline } from '../pipeline/spec.ts';
import type { IndexedWindow } from '../store/window-index.ts';
import { closeSessions } from './close-sessions.ts';
import { closeSliding } from './close-sliding.ts';
import { withCompareAndSet } from './compare-and-set.ts';
import type { EnginePorts, EngineSettings } from './ports.ts';
import { bucketOf } from './row-ref.ts';

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
