import { avg, count, definePipeline, distinct, quantile, sliding, tumbling } from 'cassflow';

/**
 * Page views per page: how many, how many distinct users, and the mean and 95th-percentile
 * latency, per minute and over a sliding 10 minutes (every minute). Events come from the
 * `page-views` Kinesis stream and look like
 * {"page": "/home", "user": "u1", "ts": 1767225600000, "ms": 87}.
 *
 * Run it locally with `cassflow run examples/page-views.ts`, feed it with
 * `cassflow send --stream page-views --generate 10000`, and read it with
 * `cassflow query --pipeline examples/page-views.ts --all`.
 */
export default definePipeline({
  name: 'page_views',
  source: { stream: 'page-views' },
  key: 'page',
  time: 'ts',
  windows: [tumbling('1m'), sliding('10m', '1m')],
  aggregates: {
    views: count(),
    users: distinct('user'),
    mean_ms: avg('ms'),
    p95_ms: quantile('ms', 0.95),
  },
  // Events may arrive 5 s out of order; a window stays open to late events for a minute more.
  lateness: { outOfOrder: '5s', allowed: '1m' },
  // Every 5 minutes, the windows that became final since the last run, as JSON Lines in S3.
  sync: [
    {
      name: 'page-views-to-s3',
      mode: 'closed-windows',
      target: { kind: 's3', bucket: 'cassflow-exports', prefix: 'page_views' },
      schedule: 'rate(5 minutes)',
    },
  ],
});
