import { avg, count, max, sum } from '#lib/aggregates/basic';
import { definePipeline } from '#lib/pipeline/define-pipeline';
import type { Pipeline } from '#lib/pipeline/spec';
import { tumbling } from '#lib/windows/index';

/**
 * bench/cassflow-run.ts's benchPipeline (tumbling 1m; count, sum, avg, max) with a 2 s
 * out-of-order allowance: the sender has several PutRecords calls in flight, so events reach the
 * shard a little out of order, and with no allowance a probe sent just before a minute boundary
 * could find its window already closed and go to the late-events table, never to be seen.
 */
export function endToEndPipeline(name: string, stream: string): Pipeline {
  return definePipeline({
    name,
    source: { stream },
    key: 'key',
    time: 'ts',
    windows: [tumbling('1m')],
    aggregates: { n: count(), total: sum('v'), mean: avg('v'), hi: max('v') },
    lateness: { outOfOrder: '2s' },
  });
}
