import type { Pipeline } from '../pipeline/spec.ts';
import type { RowWrite, StoredWindowRow } from '../store/window-rows.ts';
import { lateOnFinal, nextRowState } from './apply-row.ts';
import { aboveFences } from './fences.ts';
import type { LateEvent, RowPlan } from './plan-batch.ts';

/** What a chunk of one partition's rows writes: by plan index, its late events; the writes. */
export type PartitionWrites = { late: LateEvent[][]; writes: RowWrite[]; writing: Set<number> };

/**
 * Each plan's next row state over its stored row (by start), with only the events above the
 * row's fences; a final row takes nothing and its new events are late. `conditional`: each
 * write expects the stored row's version (a compare-and-set).
 */
export function partitionWrites(
  pipeline: Pipeline,
  plans: readonly RowPlan[],
  stored: ReadonlyMap<number, StoredWindowRow>,
  conditional: boolean,
): PartitionWrites {
  const late: LateEvent[][] = plans.map(() => []);
  const writes: RowWrite[] = [];
  const writing = new Set<number>();
  plans.forEach((plan, i) => {
    const row = stored.get(plan.ref.start);
    const fresh = aboveFences(plan.events, row?.fences);
    if (fresh.length === 0) return;
    if (row?.final) {
      late[i] = lateOnFinal(pipeline, plan, fresh);
      return;
    }
    writing.add(i);
    writes.push({
      start: plan.ref.start,
      state: nextRowState(pipeline, plan, fresh, row),
      ...(conditional && row ? { expectedVersion: row.version } : {}),
    });
  });
  return { late, writes, writing };
}
