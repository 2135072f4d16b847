import { avg, count, definePipeline, distinct, quantile, sliding, tumbling } from '#lib/index';

/** The dashboard bench's pipeline: examples/page-views.ts under its own name and stream. */
export default definePipeline({
  name: 'bench_dashboard',
  source: { stream: 'cassflow-bench-dashboard' },
  key: 'page',
  time: 'ts',
  windows: [tumbling('1m'), sliding('10m', '1m')],
  aggregates: {
    views: count(),
    users: distinct('user'),
    mean_ms: avg('ms'),
    p95_ms: quantile('ms', 0.95),
  },
  lateness: { outOfOrder: '5s', allowed: '1m' },
});
