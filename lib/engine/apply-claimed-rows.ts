import type { Pipeline } from '../pipeline/spec.ts';
import type { PartitionId, StoredWindowRow } from '../store/window-rows.ts';
import type { RowOutcome } from './apply-row.ts';
import { type CasOutcome, withCompareAndSet } from './compare-and-set.ts';
import { inPartitionChunks, MAX_PARTITION_ACC_BYTES } from './partition-chunks.ts';
import { partitionWrites } from './partition-writes.ts';
import type { RowPlan } from './plan-batch.ts';
import type { EnginePorts, EngineSettings } from './ports.ts';
import { writeThrough } from './row-cache.ts';
import { mayLackIndex, openedWindows } from './row-groups.ts';

/** What a batch's claim gives its rows (claim-shards.ts). */
export type RowClaim = { timestamp: bigint; seenUpTo: number };

/**
 * Single-writer pipelines (docs/single-writer.md): folds a batch into rows of one partition with
 * plain writes at the claim's timestamp, no compare-and-set. A row's base is this container's
 * memory of it (kept only while the claims show no other container wrote the shard's keys since:
 * claim-shards.ts), nothing when it starts after the claim's `seenUpTo`, or a read; events at or
 * below the row's fence for their shard are skipped, so a base that already holds an earlier
 * attempt's write is not counted twice, and a write that lands late loses every cell to the
 * higher timestamp of any later attempt.
 */
export async function applyClaimedRows(
  pipeline: Pipeline,
  plans: readonly RowPlan[],
  ports: EnginePorts,
  settings: EngineSettings,
  indexedAhead: (plan: RowPlan) => boolean,
  claim: RowClaim,
): Promise<RowOutcome[]> {
  return inPartitionChunks(plans, (chunk) =>
    applyChunk(pipeline, chunk, ports, settings, indexedAhead, claim),
  );
}

async function applyChunk(
  pipeline: Pipeline,
  plans: readonly RowPlan[],
  ports: EnginePorts,
  settings: EngineSettings,
  indexedAhead: (plan: RowPlan) => boolean,
  claim: RowClaim,
): Promise<RowOutcome[]> {
  const first = plans[0];
  if (!first) return [];
  const { key, window, bucket } = first.ref;
  const partition: PartitionId = { key, window, bucket };
  const cache = ports.rowCache;
  const stored = new Map<number, StoredWindowRow>();
  for (const plan of plans) {
    const row = cache?.get({ ...partition, start: plan.ref.start });
    if (row) stored.set(row.start, row);
  }
  const fromMemory = new Set(stored.keys());
  // A row starting after everything any shard had recorded has no writer but attempts at this
  // batch's records, and this attempt holds all of them that fall in it: no read.
  const toRead = plans
    .map((p) => p.ref.start)
    .filter((start) => !stored.has(start) && start <= claim.seenUpTo);
  if (toRead.length > 0) {
    const read = await retrying(() => readRows(ports, partition, toRead), settings);
    if (!read.applied) return plans.map((plan) => failed(plan, read));
    for (const row of read.value) stored.set(row.start, row);
  }

  const { late, writes, writing } = partitionWrites(pipeline, plans, stored, false);
  if (writes.length === 0) {
    return plans.map((plan, i) => ({
      plan,
      applied: true,
      wrote: false,
      casRetries: 0,
      late: late[i] ?? [],
    }));
  }
  const unindexed = plans.filter((p, i) => {
    if (!writing.has(i) || indexedAhead(p)) return false;
    const row = stored.get(p.ref.start);
    return !row || mayLackIndex(p, row);
  });

  const written = await retrying(async () => {
    // A window is in the open index before its row exists, so the closer cannot miss it.
    if (unindexed.length > 0) await ports.index.addOpen(openedWindows(pipeline, unindexed));
    unindexed.length = 0;
    const bytes = writes.reduce((n, w) => n + w.state.acc.byteLength, 0);
    const parts = bytes > MAX_PARTITION_ACC_BYTES ? writes.map((w) => [w]) : [writes];
    for (const part of parts) {
      const rows = part.map((w) => ({
        id: { ...partition, start: w.start },
        state: w.state,
        fromMemory: fromMemory.has(w.start),
      }));
      // The same cells at the same timestamp: a write sent again after a timeout changes nothing.
      await writeThrough(cache, rows, async () => {
        await ports.rows.writeAt(partition, part, claim.timestamp);
        return true;
      });
    }
  }, settings);
  return plans.map((plan, i) =>
    written.applied
      ? {
          plan,
          applied: true,
          wrote: writing.has(i),
          casRetries: written.retries,
          late: late[i] ?? [],
        }
      : { ...failed(plan, written), wrote: writing.has(i) },
  );
}

function readRows(
  ports: EnginePorts,
  partition: PartitionId,
  starts: readonly number[],
): Promise<StoredWindowRow[]> {
  const [only] = starts;
  if (starts.length === 1 && only !== undefined) {
    return ports.rows.read({ ...partition, start: only }).then((row) => (row ? [row] : []));
  }
  return ports.rows.readMany(partition, starts);
}

/** Runs `step` until it returns, backing off between tries as compare-and-sets do. */
function retrying<T>(step: () => Promise<T>, settings: EngineSettings): Promise<CasOutcome<T>> {
  return withCompareAndSet(async () => ({ done: true, value: await step() }), settings.retry);
}

function failed(plan: RowPlan, outcome: CasOutcome<unknown>): RowOutcome {
  return {
    plan,
    applied: false,
    wrote: false,
    casRetries: outcome.retries,
    late: [],
    ...(!outcome.applied && outcome.error ? { error: outcome.error } : {}),
  };
}
