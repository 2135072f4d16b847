import { avg, count, distinct, quantile } from '../aggregates/index.ts';
import { definePipeline } from '../pipeline/define-pipeline.ts';
import { session, sliding, tumbling } from '../windows/index.ts';

/**
 * The example pipeline: page views from the `page-views` stream, per page, counted and timed per
 * minute, over a sliding 10 minutes, and per burst of activity of a page (30 minutes apart).
 *
 * Records look like {"page": "/home", "user": "u1", "ts": 1767225600000, "ms": 87}.
 */
export const pageViews = definePipeline({
  name: 'page_views',
  source: { stream: 'page-views' },
  key: 'page',
  time: 'ts',
  windows: [tumbling('1m'), sliding('10m', '1m'), session('30m')],
  aggregates: {
    views: count(),
    users: distinct('user'),
    mean_ms: avg('ms'),
    p95_ms: quantile('ms', 0.95),
  },
  lateness: { outOfOrder: '5s', allowed: '1m' },
});
