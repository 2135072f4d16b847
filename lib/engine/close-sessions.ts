import type { Pipeline } from '../pipeline/spec.ts';
import { sessionBucketOf } from '../store/row-ref.ts';
import type { IndexedWindow } from '../store/window-index.ts';
import type { CloseResult } from './close-window.ts';
import { withCompareAndSet } from './compare-and-set.ts';
import { finalRowState } from './final-row.ts';
import type { EnginePorts, EngineSettings } from './ports.ts';
import { decodeSessionState, encodeSessionState } from './session-state.ts';

const ROUNDS = 8;

/**
 * Closes a key's due sessions (open → closing, then a final row each: two steps, crash-safe),
 * then enters the key's row in the open index again at its next session's close time.
 *
 * That entry is written by a closer, not by a batch, so nothing keeps another closer from having
 * claimed past it already and scanned beyond it: the closer reads the cursor after writing it,
 * and if the claim reached it, closes those sessions itself and goes round again. A closer stopped
 * before that check leaves its `entry` in the index, so another closer does the same work again;
 * the entry the stopped one wrote is recorded in the row (`indexed`), and that closer drops it.
 */
export async function closeSessions(
  pipeline: Pipeline,
  entry: IndexedWindow,
  name: string,
  watermark: number,
  ports: EnginePorts,
  settings: EngineSettings,
): Promise<CloseResult> {
  const result: CloseResult = { finalized: 0, casRetries: 0 };
  let target = watermark;
  for (let round = 1; round <= ROUNDS; round++) {
    const { next, replaced } = await closeDue(
      pipeline,
      entry,
      name,
      target,
      ports,
      settings,
      result,
    );
    // Entries this row no longer needs: `next` (now in the index) comes first of its sessions.
    // One entry per call: a page of several is one range deletion on Cassandra.
    for (const closeAt of new Set(replaced)) {
      if (closeAt !== next && closeAt !== entry.closeAt) {
        await ports.index.dropClosedPage([{ ...entry, closeAt }]);
      }
    }
    if (next === undefined) return result;
    const claimed = (await ports.watermarks.readCursor())?.claimed ?? Number.NEGATIVE_INFINITY;
    if (claimed < next) return result;
    target = claimed;
  }
  throw new Error(`could not close the sessions of ${entry.key} in ${name}: the claim kept moving`);
}

/** One round's outcome: the row's next close time (entered in the index), and entries it replaced. */
type Round = { next: number | undefined; replaced: number[] };

/** One round: the sessions due at `watermark`, closed, and the row entered at its next close. */
async function closeDue(
  pipeline: Pipeline,
  entry: IndexedWindow,
  name: string,
  watermark: number,
  ports: EnginePorts,
  settings: EngineSettings,
  result: CloseResult,
): Promise<Round> {
  const allowed = pipeline.lateness.allowedMs;
  const id = { key: entry.key, window: entry.window, bucket: 0, start: 0 };
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
  result.casRetries += moved.retries;
  if (!moved.applied) throw new Error(`could not close sessions of ${entry.key} in ${name}`);

  // Step 2: write each closing session as a final window row, enter the row at its next close
  // time, then record both in the row: the entry lands before any record of it can be read.
  const entered: number[] = [];
  const done = await withCompareAndSet<Round>(async () => {
    const row = await ports.rows.read(id);
    if (!row) return { done: true, value: { next: undefined, replaced: entered } };
    const state = decodeSessionState(pipeline.aggregates, row.acc);
    for (const s of state.closing) {
      const created = await ports.rows.create(
        { key: entry.key, window: name, bucket: sessionBucketOf(s.start), start: s.start },
        finalRowState(pipeline.aggregates, s.end, s.value.acc, s.value.events),
      );
      if (created.created) result.finalized++;
      await ports.index.addClosed(
        [{ closeAt: s.end + allowed, key: entry.key, window: name, start: s.start }],
        settings.now(),
      );
    }
    const least = Math.min(...state.open.map((s) => s.end + allowed));
    const next = Number.isFinite(least) ? least : undefined;
    if (next !== undefined) {
      await ports.index.addOpen([{ ...entry, closeAt: next }]);
      entered.push(next);
    }
    const replaced = state.indexed === undefined ? entered : [...entered, state.indexed];
    // Nothing closing and the entry already recorded: the row stays as it is.
    if (state.closing.length === 0 && state.indexed === next) {
      return { done: true, value: { next, replaced } };
    }
    state.closing = [];
    if (next === undefined) delete state.indexed;
    else state.indexed = next;
    const applied = await ports.rows.update(
      id,
      { ...row, acc: encodeSessionState(pipeline.aggregates, state), version: row.version + 1n },
      row.version,
    );
    return applied ? { done: true, value: { next, replaced } } : { done: false };
  }, settings.retry);
  result.casRetries += done.retries;
  if (!done.applied || !done.value) {
    throw new Error(`could not finish closing sessions of ${entry.key} in ${name}`);
  }
  return done.value;
}
