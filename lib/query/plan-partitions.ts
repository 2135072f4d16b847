import type { NamedWindow } from '../pipeline/spec.ts';
import { bucketOf, paneRowName, sessionBucketOf, sessionsRowName } from '../store/row-ref.ts';
import { paneLength } from '../windows/index.ts';

/** One partition of the window table to read, and the start range of the rows wanted in it. */
export type PartitionRead = { window: string; bucket: number; from: number; to: number };

/** Beyond this many partition reads a scan is cheaper (e.g. a 1 s window over a year). */
export const MAX_PARTITION_READS = 2000;

function buckets(window: string, from: number, to: number, of: (t: number) => number) {
  const reads: PartitionRead[] = [];
  for (let b = of(from); b <= of(to - 1); b++) reads.push({ window, bucket: b, from, to });
  return reads;
}

/**
 * The partitions that hold a key's windows starting in [from, to): the window rows, for sliding
 * windows also the panes those windows are assembled from, for sessions also the open state.
 * Undefined when there would be more than MAX_PARTITION_READS of them.
 */
export function planPartitionReads(
  windows: readonly NamedWindow[],
  from: number,
  to: number,
): PartitionRead[] | undefined {
  const reads: PartitionRead[] = [];
  for (const { name, spec } of windows) {
    if (spec.kind === 'tumbling')
      reads.push(...buckets(name, from, to, (t) => bucketOf(t, spec.size)));
    if (spec.kind === 'sliding') {
      const pane = paneLength(spec);
      reads.push(...buckets(name, from, to, (t) => bucketOf(t, spec.slide)));
      reads.push(...buckets(paneRowName(name), from, to + spec.size, (t) => bucketOf(t, pane)));
    }
    if (spec.kind === 'session') {
      reads.push(...buckets(name, from, to, sessionBucketOf));
      reads.push({ window: sessionsRowName(name), bucket: 0, from: 0, to: 1 });
    }
    if (reads.length > MAX_PARTITION_READS) return undefined;
  }
  return reads;
}
