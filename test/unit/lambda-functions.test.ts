import { describe, expect, it } from 'vitest';
import { ConfigError } from '#lib/config/errors';
import { pipelineFromEnv } from '#lib/lambda/aggregate-function';
import { checkParallelization, ParallelizationError } from '#lib/lambda/event-source-defaults';
import { syncFunction } from '#lib/lambda/sync-function';
import { EXAMPLE_PIPELINES } from '../../examples/index.ts';

describe('the deployed functions', () => {
  it('pick the pipeline CASSFLOW_PIPELINE names, of their own kind', () => {
    // Act
    const aggregation = pipelineFromEnv(
      EXAMPLE_PIPELINES,
      { CASSFLOW_PIPELINE: 'page_views' },
      'aggregation',
    );
    const sink = pipelineFromEnv(EXAMPLE_PIPELINES, { CASSFLOW_PIPELINE: 'page_view_log' }, 'sink');

    // Assess
    expect(aggregation.windows.map((w) => w.name)).toEqual(['tumbling_1m', 'sliding_10m_1m']);
    expect(sink.table).toBe('page_view_log');
  });

  it.each([
    [{}, /CASSFLOW_PIPELINE: not set; one of page_views, page_view_log/],
    [
      { CASSFLOW_PIPELINE: 'clicks' },
      /CASSFLOW_PIPELINE: 'clicks' is not one of page_views, page_view_log/,
    ],
    [{ CASSFLOW_PIPELINE: 'page_view_log' }, /'page_view_log' is a sink pipeline, not aggregation/],
  ])('refuse %j with an error naming the variable', (env, message) => {
    expect(() => pipelineFromEnv(EXAMPLE_PIPELINES, env, 'aggregation')).toThrow(ConfigError);
    expect(() => pipelineFromEnv(EXAMPLE_PIPELINES, env, 'aggregation')).toThrow(message);
  });

  it('build their handler at import, without connecting to anything', async () => {
    // Arrange
    process.env.CASSFLOW_PIPELINE = 'page_views';

    // Act
    const aggregate = await import('../../functions/aggregate.ts');
    process.env.CASSFLOW_PIPELINE = 'page_view_log';
    const sink = await import('../../functions/sink.ts');
    delete process.env.CASSFLOW_PIPELINE;

    // Assess
    expect(typeof aggregate.handler).toBe('function');
    expect(typeof sink.handler).toBe('function');
  });

  it('run the sync job CASSFLOW_SYNC_JOB names, and name the ones there are when it is wrong', async () => {
    expect(() => syncFunction(EXAMPLE_PIPELINES, {})).toThrow(/CASSFLOW_SYNC_JOB: not set/);
    expect(() => syncFunction(EXAMPLE_PIPELINES, { CASSFLOW_SYNC_JOB: 'nope' })).toThrow(
      "CASSFLOW_SYNC_JOB: 'nope' is not one of page-views-to-s3, page-view-log-to-postgres",
    );
    process.env.CASSFLOW_SYNC_JOB = 'page-views-to-s3';
    const sync = await import('../../functions/sync.ts');
    delete process.env.CASSFLOW_SYNC_JOB;
    expect(typeof sync.handler).toBe('function');
  });
});

describe('the parallelization factor rule', () => {
  it('holds an aggregation to one batch per shard, and lets a sink take 1 to 10', () => {
    expect(() => checkParallelization({ name: 'views', kind: 'aggregation' }, 1)).not.toThrow();
    expect(() => checkParallelization({ name: 'views', kind: 'aggregation' }, 2)).toThrow(
      /pipeline views: a parallelization factor of 2 is not allowed for an aggregation/,
    );
    expect(() => checkParallelization({ name: 'log', kind: 'sink' }, 10)).not.toThrow();
    expect(() => checkParallelization({ name: 'log', kind: 'sink' }, 11)).toThrow(
      ParallelizationError,
    );
  });
});
