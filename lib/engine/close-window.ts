import type { Pipeline } from '../pipeline/spec.ts';
import type { IndexedWindow } from '../store/window-index.ts';
import { closeSessions } from './close-sessions.ts';
import { closeSliding } from './close-sliding.ts';
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
  // One conditional write, no read: a writer that read the row before this commits nothing
  // after it, because its update also requires final = false (then it sees the events late).
  const finalized = (await ports.rows.finalize(id)) ? 1 : 0;
  // Recorded whether or not this run won: a crash after the flag must not lose the index row.
  await ports.index.addClosed(entry, settings.now());
  return { finalized, casRetries: 0 };
}
