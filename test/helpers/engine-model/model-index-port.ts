import type { EnginePorts } from '#lib/engine/ports';
import { indexBucketOf } from '#lib/store/window-index';
import { type Caller, entryKeyOf, type ModelStore } from './model-store.ts';

/** The index port of the model: a page dropped by one range deletion on Cassandra. */
export function modelIndexPort(store: ModelStore, caller: Caller): EnginePorts['index'] {
  return {
    addOpen: (windows) =>
      store.plain(caller, 'addOpen', () => {
        for (const w of windows) store.open.set(entryKeyOf(w), { ...w });
      }),
    addClosed: (windows, closedAt) =>
      store.plain(caller, 'addClosed', () => {
        for (const w of windows) store.closed.set(entryKeyOf(w), { ...w, closedAt });
      }),
    dropClosedPage: (page) =>
      store.plain(caller, 'dropClosedPage', () => {
        const first = page[0];
        const last = page.at(-1);
        if (!first || !last) return;
        if (store.mode === 'cassandra' && page.length > 1) {
          // One range deletion: whatever lies between the page's ends goes, read or not.
          const from = entryKeyOf(first);
          const to = entryKeyOf(last);
          for (const [k, w] of store.open) {
            if (indexBucketOf(w.closeAt) === indexBucketOf(first.closeAt) && k >= from && k <= to) {
              store.open.delete(k);
            }
          }
        } else {
          for (const w of page) store.open.delete(entryKeyOf(w));
        }
      }),
    duePages: async function* (bucket, from, upTo, pageSize) {
      let after = '';
      for (;;) {
        const page = await store.plain(caller, 'duePages', () =>
          [...store.open.entries()]
            .filter(
              ([k, w]) =>
                indexBucketOf(w.closeAt) === bucket &&
                w.closeAt >= from &&
                w.closeAt <= upTo &&
                k > after,
            )
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .slice(0, pageSize),
        );
        if (page.length === 0) return;
        after = page.at(-1)?.[0] ?? after;
        yield page.map(([, w]) => ({ ...w }));
        if (page.length < pageSize) return;
      }
    },
    closedInBucket: (bucket) =>
      store.plain(caller, 'closedInBucket', () =>
        [...store.closed.values()].filter((w) => indexBucketOf(w.closeAt) === bucket),
      ),
    lowestOpenBucket: () =>
      store.plain(caller, 'lowestOpenBucket', () => {
        const buckets = [...store.open.values()].map((w) => indexBucketOf(w.closeAt));
        return buckets.length > 0 ? Math.min(...buckets) : undefined;
      }),
  };
}
