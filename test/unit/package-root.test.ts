import { describe, expect, it } from 'vitest';

describe("the package root ('cassflow')", () => {
  it('exports what a pipeline module needs', async () => {
    // Act
    const api = await import('cassflow');
    const pipeline = api.definePipeline({
      name: 'root_example',
      source: { stream: 'events' },
      key: 'k',
      time: 't',
      windows: [api.tumbling('1m'), api.sliding('10m', '1m'), api.session('30m')],
      aggregates: { n: api.count(), users: api.distinct('user'), p99: api.quantile('ms', 0.99) },
    });

    // Assess
    expect(pipeline.windows.map((w) => w.name)).toEqual([
      'tumbling_1m',
      'sliding_10m_1m',
      'session_30m',
    ]);
    for (const name of [
      'defineSink',
      'defineAggregate',
      'createAggregateHandler',
      'createSinkHandler',
      'readWindows',
    ]) {
      expect(typeof (api as Record<string, unknown>)[name], name).toBe('function');
    }
  });
});
