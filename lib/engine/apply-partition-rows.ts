import type { Pipeline } from '../pipeline/spec.ts';
import type { StoredWindowRow } from '../store/window-rows.ts';
import { applyWindowRow, type RowOutcome } from './apply-row.ts';
import { withCompareAndSet } from './compare-and-set.ts';
import { inPartitionChunks, MAX_PARTITION_ACC_BYTES } from './partition-chunks.ts';
import { partitionWrites } from './partition-writes.ts';
import type { LateEvent, RowPlan } from './plan-batch.ts';
import type { EnginePorts, EngineSettings } from './ports.ts';
import { writeThrough } from './row-cache.ts';
import { mayLackIndex, openedWindows } from './row-groups.ts';

/**
 * Folds a batch into several rows of one partition (one key's windows) with one compare-and-set
 * for all of them: a conditional batch in which each row is created if absent or replaced if
 * still at the version read. Cassandra runs one Paxos round per batch, not per row. The
 * protocol per row is applyWindowRow's; when the batch loses, every row is read again.
 */
export async function applyPartitionRows(
  pipeline: Pipeline,
  plans: readonly RowPlan[],
  ports: EnginePorts,
  settings: EngineSettings,
  likelyNew: (plan: RowPlan) => boolean,
): Promise<RowOutcome[]> {
  return inPartitionChunks(plans, (chunk) =>
    applyChunk(pipeline, chunk, ports, settings, likelyNew),
  );
}

async function applyChunk(
  pipeline: Pipeline,
  plans: readonly RowPlan[],
  ports: EnginePorts,
  settings: EngineSettings,
  likelyNew: (plan: RowPlan) => boolean,
): Promise<RowOutcome[]> {
  const first = plans[0];
  if (!first) return [];
  if (plans.length === 1)
    return [await applyWindowRow(pipeline, first, ports, settings, likelyNew(first))];
  const { key, window, bucket } = first.ref;
  const partition = { key, window, bucket };
  const cache = ports.rowCache;
  // On the first try rows believed new or remembered by this container are not read (the batch
  // indexed the first; a stale one loses the batch); after a lost batch, all of them are. A row
  // found missing is indexed before the batch creates it.
  let remembered = new Map<number, StoredWindowRow>();
  for (const plan of plans) {
    const row = cache?.get({ ...partition, start: plan.ref.start });
    if (row) remembered.set(row.start, row);
  }
  let toRead = plans.filter((p) => !likelyNew(p) && !remembered.has(p.ref.start));
  const indexed = new Set(plans.filter(likelyNew));
  let written = new Set<number>();
  let tooLarge = false;
  const outcome = await withCompareAndSet<LateEvent[][]>(async () => {
    const stored = remembered;
    const fromMemory = new Set(remembered.keys());
    remembered = new Map();
    if (toRead.length > 0) {
      const rows = await ports.rows.readMany(
        partition,
        toRead.map((p) => p.ref.start),
      );
      for (const row of rows) stored.set(row.start, row);
    }
    toRead = [...plans];
    const { late, writes, writing } = partitionWrites(pipeline, plans, stored, true);
    if (writes.length === 0) return { done: true, value: late };
    const unindexed = plans.filter(
      (p) =>
        !indexed.has(p) && (!stored.has(p.ref.start) || mayLackIndex(p, stored.get(p.ref.start))),
    );
    if (unindexed.length > 0) {
      await ports.index.addOpen(openedWindows(pipeline, unindexed));
      for (const p of unindexed) indexed.add(p);
    }
    if (writes.reduce((n, w) => n + w.state.acc.byteLength, 0) > MAX_PARTITION_ACC_BYTES) {
      tooLarge = true;
      return { done: true, value: late };
    }
    written = writing;
    const rows = writes.map((w) => ({
      id: { ...partition, start: w.start },
      state: w.state,
      fromMemory: fromMemory.has(w.start),
    }));
    return (await writeThrough(cache, rows, () => ports.rows.writePartition(partition, writes)))
      ? { done: true, value: late }
      : { done: false };
  }, settings.retry);
  if (tooLarge) {
    // Sketches too large to batch: each row on its own.
    const single: RowOutcome[] = [];
    for (const plan of plans) single.push(await applyWindowRow(pipeline, plan, ports, settings));
    return single;
  }
  return plans.map((plan, i) =>
    outcome.applied
      ? {
          plan,
          applied: true,
          wrote: written.has(i),
          casRetries: outcome.retries,
          late: outcome.value[i] ?? [],
        }
      : {
          plan,
          applied: false,
          wrote: written.has(i),
          casRetries: outcome.retries,
          late: [],
          ...(outcome.error ? { error: outcome.error } : {}),
        },
  );
}
