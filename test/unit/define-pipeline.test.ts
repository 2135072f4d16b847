import { describe, expect, it } from 'vitest';
import { count, quantile, sum } from '#lib/aggregates/index';
import { definePipeline } from '#lib/pipeline/define-pipeline';
import { PipelineSpecError } from '#lib/pipeline/errors';
import type { PipelineDefinition } from '#lib/pipeline/spec';
import { sliding, tumbling } from '#lib/windows/index';

const valid: PipelineDefinition = {
  name: 'orders',
  source: { stream: 'orders' },
  key: 'customer.id',
  time: 'at',
  windows: [tumbling('1m'), sliding('10m', '1m')],
  aggregates: { n: count(), amount: sum('amount'), p99: quantile('amount', 0.99) },
  lateness: { outOfOrder: '5s', allowed: '1m' },
};

function issuesOf(definition: unknown): readonly string[] {
  try {
    definePipeline(definition as PipelineDefinition);
  } catch (error) {
    expect(error).toBeInstanceOf(PipelineSpecError);
    return (error as PipelineSpecError).issues;
  }
  throw new Error('the definition was accepted');
}

describe('definePipeline', () => {
  it('resolves a valid definition: names, durations, tables, extractors', () => {
    // Act
    const pipeline = definePipeline(valid);

    // Assess
    expect(pipeline.windows.map((w) => w.name)).toEqual(['tumbling_1m', 'sliding_10m_1m']);
    expect(pipeline.lateness).toEqual({
      outOfOrderMs: 5000,
      allowedMs: 60_000,
      idleTimeoutMs: 60_000,
      maxFutureMs: 86_400_000,
      maxPastMs: 30 * 86_400_000,
    });
    expect(pipeline.tables.windows).toBe('orders_windows');
    expect(pipeline.key({ customer: { id: 'c7' } })).toBe('c7');
    expect(pipeline.aggregates.map((a) => [a.name, a.path])).toEqual([
      ['n', undefined],
      ['amount', ['amount']],
      ['p99', ['amount']],
    ]);
  });

  it('takes a reserved word as the pipeline name (only a prefix of its tables) and an S3 prefix with = and spaces', () => {
    const pipeline = definePipeline({
      ...valid,
      name: 'view',
      sync: [{ name: 'to-s3', target: { kind: 's3', bucket: 'my-bucket', prefix: 'out/dt=x y' } }],
    } as PipelineDefinition);
    expect(pipeline.tables.windows).toBe('view_windows');
  });

  it('takes a keyspace and table names of the user', () => {
    // Act
    const pipeline = definePipeline({
      ...valid,
      keyspace: 'analytics',
      tables: { windows: 'order_stats' },
    });

    // Assess
    expect(pipeline.keyspace).toBe('analytics');
    expect(pipeline.tables.windows).toBe('order_stats');
    expect(pipeline.tables.lateEvents).toBe('orders_late_events');
  });

  it.each([
    ['a name that is not an identifier', { name: 'Orders!' }, /^name: 'Orders!' must be lowercase/],
    ['a name with capitals', { name: 'Orders' }, /^name: 'Orders' has capitals.*write it 'orders'/],
    [
      'a keyspace whose lowercase is reserved',
      { keyspace: 'Table' },
      /^keyspace: 'Table' has capitals, which CQL folds to lowercase, and lowercase 'table' is a reserved/,
    ],
    [
      'a maxPast shorter than a window and its lateness',
      { lateness: { maxPast: '1m' } },
      /^lateness\.maxPast: must be at least/,
    ],
    [
      'dead letters kept longer than a TTL can be',
      { deadLetters: { keep: '1100w' } },
      /^deadLetters\.keep: must be at most 20 years/,
    ],
    [
      'an aggregate named by a reserved CQL word',
      { aggregates: { select: count() } },
      /^aggregates\.select: aggregate names are column names: 'select' is a reserved CQL word/,
    ],
    [
      'a table named by a reserved CQL word',
      { tables: { windows: 'table' } },
      /^tables\.windows: 'table' is a reserved CQL word/,
    ],
    ['no windows', { windows: [] }, /^windows: /],
    [
      'a window that is too short',
      { windows: [{ kind: 'tumbling', size: 10 }] },
      /^windows\[0\]\.size: 10ms is outside the allowed 1s to 366d/,
    ],
    [
      'a slide longer than the size',
      { windows: [{ kind: 'sliding', size: 60_000, slide: 120_000 }] },
      /windows\[0\]\.slide: 2m is longer than the window size 1m/,
    ],
    [
      'the same window twice',
      { windows: [tumbling('60s'), tumbling('1m')] },
      /windows: tumbling_1m is declared twice/,
    ],
    ['no aggregates', { aggregates: {} }, /^aggregates: needs at least one aggregate/],
    [
      'an aggregate named like a cassflow column',
      { aggregates: { version: count() } },
      /^aggregates\.version: is a column cassflow uses itself/,
    ],
    [
      'something that is not an aggregate',
      { aggregates: { n: { kind: 'count' } } },
      /^aggregates\.n: must be an aggregate/,
    ],
    [
      'a bad duration',
      { lateness: { allowed: '5 parsecs' } },
      /^lateness\.allowed: '5 parsecs' is not a valid duration \(unknown unit 'parsecs'\)/,
    ],
    ['an unknown lateness setting', { lateness: { late: '1m' } }, /^lateness: /],
    ['a key that is neither path nor function', { key: 42 }, /^key: /],
    ['a bad stream name', { source: { stream: 'a stream' } }, /^source\.stream: not a stream name/],
    ['a bad keyspace', { keyspace: 'my-keyspace' }, /^keyspace: 'my-keyspace' must be lowercase/],
    ['a keyspace with capitals', { keyspace: 'Analytics' }, /^keyspace: 'Analytics' has capitals/],
    [
      'an S3 prefix with a wildcard',
      { sync: [{ name: 'to-s3', target: { kind: 's3', bucket: 'my-bucket', prefix: 'out/*' } }] },
      /^sync\.0\.target\.prefix: no \*, \? or \$ \(IAM would read them as patterns/,
    ],
  ])('refuses %s, naming the setting', (_, change, message) => {
    // Act
    const issues = issuesOf({ ...valid, ...change });

    // Assess
    expect(
      issues.some((i) => message.test(i)),
      issues.join('\n'),
    ).toBe(true);
  });

  it('lists every problem at once', () => {
    // Act
    const issues = issuesOf({ ...valid, lateness: { outOfOrder: 'soon', allowed: 'later' } });

    // Assess
    expect(issues).toHaveLength(2);
    expect(issues.join('\n')).toMatch(/lateness\.outOfOrder.*\n.*lateness\.allowed/);
  });
});
