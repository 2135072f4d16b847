import type { Pipeline } from '../pipeline/spec.ts';
import { applyClaimedRows, type RowClaim } from './apply-claimed-rows.ts';
import { applyPartitionRows } from './apply-partition-rows.ts';
import { applyWindowRow, type RowOutcome } from './apply-row.ts';
import { applySessionRow } from './apply-session-row.ts';
import { mapWithPreparedChunks } from './concurrency.ts';
import type { BatchPlan, RowPlan } from './plan-batch.ts';
import type { EnginePorts, EngineSettings } from './ports.ts';
import { openedWindows, rowGroups } from './row-groups.ts';

/** Row groups whose windows are indexed in one go, ahead of writing them. */
const INDEX_AHEAD_GROUPS = 1000;

/**
 * Writes every row of the plan, `settings.concurrency` groups at a time. Windows are indexed
 * before their rows exist, so the closer can never miss one that exists: the rows believed new
 * (they start after everything the shard had seen) a chunk ahead of writing them, the others
 * when found missing. With a `claim` (single-writer pipelines), rows are written plainly at its
 * timestamp (apply-claimed-rows.ts); without, each group with a compare-and-set.
 */
export async function applyRows(
  pipeline: Pipeline,
  plan: BatchPlan,
  seenUpTo: number,
  ports: EnginePorts,
  settings: EngineSettings,
  claim?: RowClaim,
): Promise<RowOutcome[]> {
  const likelyNew = (row: RowPlan) => row.ref.start > seenUpTo;
  const outcomes = await mapWithPreparedChunks(
    rowGroups(plan.rows, ports.rows.partitionWrites || claim !== undefined),
    settings.concurrency,
    INDEX_AHEAD_GROUPS,
    (groups) => ports.index.addOpen(openedWindows(pipeline, groups.flat().filter(likelyNew))),
    async (group): Promise<RowOutcome[]> => {
      const [row] = group;
      if (!row) return [];
      if (claim) return applyClaimedRows(pipeline, group, ports, settings, likelyNew, claim);
      if (row.ref.kind === 'sessions') {
        return [await applySessionRow(pipeline, row, ports, settings)];
      }
      return group.length === 1
        ? [await applyWindowRow(pipeline, row, ports, settings, likelyNew(row))]
        : applyPartitionRows(pipeline, group, ports, settings, likelyNew);
    },
  );
  return outcomes.flat();
}
