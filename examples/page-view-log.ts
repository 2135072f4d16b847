import { defineSink } from 'cassflow';

/**
 * A plain sink: every page view from the `page-views` stream as a row of `page_view_log`, by
 * page and time (what Flink's CassandraSink does with an INSERT query). Run it next to
 * examples/page-views.ts with `cassflow run examples/index.ts`.
 */
export const pageViewLog = defineSink({
  name: 'page_view_log',
  source: { stream: 'page-views' },
  table: 'page_view_log',
  columns: {
    page: { from: 'page', type: 'text' },
    ts: { from: 'ts', type: 'timestamp' },
    user_id: { from: 'user', type: 'text' },
    ms: { from: 'ms', type: 'double', optional: true },
  },
  primaryKey: { partition: ['page'], clustering: ['ts', 'user_id'] },
  // Every hour, the whole table into PostgreSQL (upserts, so a pass repeats nothing).
  sync: [
    {
      name: 'page-view-log-to-postgres',
      target: { kind: 'postgres', table: 'page_view_log' },
      schedule: 'cron(0 * * * ? *)',
    },
  ],
});
