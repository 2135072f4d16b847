import { type IndexedWindow, indexBucketOf, type WindowIndex } from '../store/window-index.ts';

/** Index order: close time, then key, window and start. */
const entryOf = (w: IndexedWindow) => JSON.stringify([w.closeAt, w.key, w.window, w.start]);

function byEntry(a: IndexedWindow, b: IndexedWindow): number {
  if (a.closeAt !== b.closeAt) return a.closeAt - b.closeAt;
  const [x, y] = [entryOf(a), entryOf(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The open and closed window indexes in memory. */
export class MemoryWindowIndex implements WindowIndex {
  readonly #open = new Map<string, IndexedWindow>();
  readonly #closed = new Map<string, IndexedWindow & { closedAt: number }>();

  async addOpen(windows: readonly IndexedWindow[]) {
    for (const w of windows) this.#open.set(entryOf(w), { ...w });
  }

  async dropClosedPage(page: readonly IndexedWindow[]) {
    for (const w of page) this.#open.delete(entryOf(w));
  }

  async *duePages(bucket: number, from: number, upTo: number, pageSize: number) {
    const due = [...this.#open.values()]
      .filter((w) => indexBucketOf(w.closeAt) === bucket && w.closeAt >= from && w.closeAt <= upTo)
      .sort(byEntry);
    for (let i = 0; i < due.length; i += pageSize) yield due.slice(i, i + pageSize);
  }

  async addClosed(windows: readonly IndexedWindow[], closedAt: number) {
    for (const w of windows) this.#closed.set(entryOf(w), { ...w, closedAt });
  }

  async closedInBucket(bucket: number) {
    return [...this.#closed.values()].filter((w) => indexBucketOf(w.closeAt) === bucket);
  }

  async lowestOpenBucket() {
    const buckets = [...this.#open.values()].map((w) => indexBucketOf(w.closeAt));
    return buckets.length > 0 ? Math.min(...buckets) : undefined;
  }
}
