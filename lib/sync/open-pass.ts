import { randomUUID } from 'node:crypto';
import type { PassState, RangeState, SyncCheckpoints } from './sync-checkpoints.ts';
import type { TokenRange } from './token-ranges.ts';

/** What opening a pass needs: the job's checkpoints and how to plan a new pass. */
export type PassPorts = {
  checkpoints: SyncCheckpoints;
  /**
   * The ranges of a new pass (token ranges, or close-time slices of the closed-windows index),
   * and for closed-windows mode how far the pass reaches; the last pass is given.
   */
  plan: (
    previous: PassState | undefined,
  ) => Promise<{ ranges: TokenRange[]; closedThrough?: number }>;
  /**
   * Why an unfinished pass's ranges no longer fit the store (its partitioner changed since they
   * were planned, as a Keyspaces account's may), so the pass must start again; undefined if
   * they fit.
   */
  stale?: (ranges: readonly RangeState[]) => Promise<string | undefined>;
  now?: () => number;
};

/**
 * The pass this run works on: the job's unfinished pass, unless it was of the other mode
 * (`--mode` switched it) or its ranges no longer fit the store; else a new one, planned now.
 */
export async function openPass(
  job: { name: string; mode: string },
  ports: PassPorts,
  now: () => number,
): Promise<{ pass: PassState; ranges: RangeState[]; resumed: boolean; restarted?: string }> {
  const previous = await ports.checkpoints.loadPass(job.name);
  let restarted: string | undefined;
  if (previous && previous.finishedAt === undefined && previous.mode === job.mode) {
    const ranges = await ports.checkpoints.loadRanges(job.name, previous.passId);
    restarted = await ports.stale?.(ranges);
    if (!restarted) {
      return { pass: { ...previous, runs: previous.runs + 1 }, ranges, resumed: true };
    }
  }
  const plan = await ports.plan(previous);
  const pass: PassState = {
    passId: randomUUID(),
    mode: job.mode,
    startedAt: now(),
    finishedAt: undefined,
    passesFinished: previous?.passesFinished ?? 0,
    runs: (previous?.runs ?? 0) + 1,
    // A full pass leaves the closed-windows cursor where it was.
    closedThrough: plan.closedThrough ?? previous?.closedThrough,
  };
  const ranges = plan.ranges.map((r) => ({
    ...r,
    pageState: undefined,
    pages: 0,
    rows: 0,
    done: false,
  }));
  await ports.checkpoints.startRanges(job.name, pass.passId, ranges);
  return { pass, ranges, resumed: false, ...(restarted ? { restarted } : {}) };
}
