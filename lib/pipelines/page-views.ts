import { avg, count, max } from '../aggregates/basic.ts';
import { definePipeline } from '../pipeline/define-pipeline.ts';
import { session, sliding, tumbling } from '../windows/index.ts';

/**
 * The example pipeline: page views from the `page-views` stream, per page, counted and timed per
 * minute, over a sliding 10 minutes, and per browsing session of a page.
 *
 * Records look like {"page": "/home", "user": "u1", "ts": 1767225600000, "ms": 87}.
 */
export const pageViews = definePipeline({
  name: 'page_views',
  source: { stream: 'page-views' },
  key: 'page',
  time: 'ts',
  windows: [tumbling('1m'), sliding('10m', '1m'), session('30m')],
  aggregates: { views: count(), mean_ms: avg('ms'), max_ms: max('ms') },
  lateness: { outOfOrder: '5s', allowed: '1m' },
});
