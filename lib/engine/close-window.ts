import type { Pipeline } from '../pipeline/spec.ts';
import { bucketOf } from '../store/row-ref.ts';
import type { IndexedWindow } from '../store/window-index.ts';
import { closeSessions } from './close-sessions.ts';
import { closeSliding } from './close-sliding.ts';
import { mapWithConcurrency } from './concurrency.ts';
import type { EnginePorts, EngineSettings } from './ports.ts';

/**
 * What closing made final: 0 when another closer got there first. `closed`: entries for the
 * closed-windows index that the caller records (sessions record their own, see closeSessions).
 */
export type CloseResult = { finalized: number; casRetries: number; closed?: IndexedWindow[] };

const OPEN_SUFFIX = '#open';

/**
 * Makes a page of due windows final and records them in the closed index, then drops their
 * open-index entries. Safe to run twice or concurrently: every step is idempotent or a
 * compare-and-set, and a crash between steps is finished by the next run.
 *
 * No batch writes a claimed window (see lateness-cut.ts), so tumbling rows are only made final
 * (WindowRowStore.finalize: settling any half-done compare-and-set on Cassandra).
 */
export async function closeEntries(
  pipeline: Pipeline,
  due: readonly IndexedWindow[],
  watermark: number,
  ports: EnginePorts,
  settings: EngineSettings,
): Promise<CloseResult> {
  const specs = new Map(pipeline.windows.map((w) => [w.name, w.spec]));
  const specOf = (entry: IndexedWindow) =>
    specs.get(
      entry.window.endsWith(OPEN_SUFFIX)
        ? entry.window.slice(0, -OPEN_SUFFIX.length)
        : entry.window,
    );
  const tumbling = due.filter((e) => specOf(e)?.kind === 'tumbling');
  const finalized = ports.rows.finalize(
    tumbling.map((entry) => {
      const spec = specOf(entry);
      const size = spec?.kind === 'tumbling' ? spec.size : 0;
      return {
        key: entry.key,
        window: entry.window,
        bucket: bucketOf(entry.start, size),
        start: entry.start,
      };
    }),
  );
  finalized.catch(() => {}); // awaited below
  const others = await mapWithConcurrency(
    due.filter((e) => specOf(e)?.kind !== 'tumbling'),
    settings.concurrency,
    (entry): Promise<CloseResult> => {
      const spec = specOf(entry);
      if (spec?.kind === 'sliding') return closeSliding(pipeline, entry, spec, ports);
      if (spec?.kind === 'session') {
        const name = entry.window.slice(0, -OPEN_SUFFIX.length);
        return closeSessions(pipeline, entry, name, watermark, ports, settings);
      }
      return Promise.resolve({ finalized: 0, casRetries: 0 }); // a window since removed
    },
  );
  // Tumbling rows are final before the closed index names them (sync reads it only up to the
  // cursor's done, which moves after this anyway). Open entries go last: a crash loses no window.
  await finalized;
  const closed = [...tumbling, ...others.flatMap((r) => r.closed ?? [])];
  await ports.index.addClosed(closed, settings.now());
  await ports.index.dropClosedPage(due);
  return {
    finalized: tumbling.length + others.reduce((n, r) => n + r.finalized, 0),
    casRetries: others.reduce((n, r) => n + r.casRetries, 0),
  };
}
