import { describe, expect, it } from 'vitest';
import { defineSink } from '#lib/pipeline/define-sink';
import { PipelineSpecError } from '#lib/pipeline/errors';
import type { SinkDefinition } from '#lib/pipeline/sink-spec';
import type { InputRecord } from '#lib/records/input-record';
import { convertValue } from '#lib/sink/convert-value';
import { mapRecord } from '#lib/sink/map-record';

const definition: SinkDefinition = {
  name: 'orders_log',
  source: { stream: 'orders' },
  table: 'orders_log',
  columns: {
    customer: { from: 'customer.id', type: 'text' },
    at: { from: 'at', type: 'timestamp' },
    units: { from: 'units', type: 'bigint' },
    note: {
      from: (e) => (e.note as string | undefined)?.toUpperCase(),
      type: 'text',
      optional: true,
    },
  },
  primaryKey: { partition: ['customer'], clustering: ['at'] },
};
const sink = defineSink(definition);

const record = (payload: unknown): InputRecord => ({
  shardId: 'shardId-000000000000',
  sequenceNumber: 1n,
  partitionKey: 'pk',
  data: new TextEncoder().encode(JSON.stringify(payload)),
  arrivedAt: 0,
});

describe('convertValue', () => {
  it.each([
    ['text', 'x', 'x'],
    ['text', 12, '12'],
    ['int', 7, 7],
    ['int', '-7', -7],
    ['bigint', '9007199254740993', 9007199254740993n],
    ['varint', 5, 5n],
    ['double', 1.5, 1.5],
    ['boolean', false, false],
    ['timestamp', '2026-01-01T00:00:00Z', new Date(Date.UTC(2026, 0, 1))],
    ['timestamp', 1767225600000, new Date(1767225600000)],
    ['uuid', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
  ] as const)('binds %s from %j', (type, input, output) => {
    expect(convertValue(type, input)).toEqual({ ok: true, value: output });
  });

  it.each([
    ['text', {}, /must be a string for text, got object/],
    ['int', 1.5, /whole number/],
    ['int', 2 ** 31, /outside the int range/],
    ['bigint', '2e3', /whole number for bigint, got string/],
    ['double', Number.NaN, /finite number/],
    ['boolean', 'true', /true or false, got string/],
    ['timestamp', '2026-01-01T00:00:00', /ISO-8601 time with a zone/],
    ['uuid', 'abc', /UUID string, got 'abc'/],
  ] as const)('refuses %s from %j', (type, input, problem) => {
    const result = convertValue(type, input);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.problem).toMatch(problem);
  });
});

describe('sinks', () => {
  it('map a record to its column values and primary key', () => {
    // Act
    const mapped = mapRecord(
      sink,
      record({ customer: { id: 'c1' }, at: 1000, units: 3, note: 'hi' }),
    );

    // Assess
    expect(mapped).toMatchObject({
      ok: true,
      row: { values: ['c1', new Date(1000), 3n, 'HI'], id: '["c1",1000]' },
    });
  });

  it('leave an absent optional column unset, and dead-letter an absent required one', () => {
    // Act
    const optional = mapRecord(sink, record({ customer: { id: 'c1' }, at: 1000, units: 3 }));
    const required = mapRecord(sink, record({ customer: { id: 'c1' }, units: 3 }));

    // Assess
    expect(optional.ok && optional.row.values[3]).toBeUndefined();
    expect(required).toMatchObject({
      ok: false,
      rejected: { field: 'at', reason: 'is missing (column at)' },
    });
  });

  it('dead-letter a key Cassandra or Keyspaces cannot store: empty, or over the key quotas', () => {
    // Arrange: a composite clustering key, so the 850-byte bound is shared.
    const wide = defineSink({
      ...definition,
      columns: { ...definition.columns, tag: { from: 'tag', type: 'text' } },
      primaryKey: { partition: ['customer'], clustering: ['tag', 'at'] },
    });
    const row = (customer: string, tag = 't') =>
      mapRecord(wide, record({ customer: { id: customer }, at: 1000, units: 1, tag }));

    // Act
    const empty = row('');
    const longPartition = row('é'.repeat(1023));
    const atPartitionLimit = row('x'.repeat(2045));
    const longClustering = row('c1', 'x'.repeat(839));
    const overClusteringLimit = row('c1', 'x'.repeat(835));

    // Assess: 2,045 + 3 = 2,048 fits; 2,046 UTF-8 bytes + 3 does not; 834 + 8 + 2×4 = 850 fits.
    expect(empty).toMatchObject({
      ok: false,
      rejected: {
        field: 'customer.id',
        reason: 'is empty: a partition key may not be (column customer)',
      },
    });
    expect(longPartition).toMatchObject({
      ok: false,
      rejected: {
        field: 'customer.id',
        reason:
          'makes the partition key 2049 bytes, over the 2048 Amazon Keyspaces allows (column customer)',
      },
    });
    expect(atPartitionLimit.ok).toBe(true);
    expect(longClustering).toMatchObject({
      ok: false,
      rejected: {
        field: 'tag',
        reason: expect.stringMatching(/clustering key 855 bytes, over the 850/),
      },
    });
    expect(overClusteringLimit.ok).toBe(false);
    expect(row('c1', 'x'.repeat(834)).ok).toBe(true);
  });

  it('size a varint key by its bytes, not its digits', () => {
    const byId = defineSink({
      ...definition,
      columns: { id: { from: 'id', type: 'varint' }, units: { from: 'units', type: 'bigint' } },
      primaryKey: { partition: ['id'] },
    });
    // 10^4924 takes 2,045 bytes (as the driver writes it): with 3 of metadata, exactly 2,048.
    const row = (digits: number) =>
      mapRecord(byId, record({ id: `1${'0'.repeat(digits)}`, units: 1 }));
    expect(row(4924).ok).toBe(true);
    expect(row(4925)).toMatchObject({
      ok: false,
      rejected: {
        field: 'id',
        reason: expect.stringMatching(/partition key 2049 bytes, over the 2048/),
      },
    });
  });

  it('refuse a primary key column that is not declared or is optional', () => {
    const bad = {
      ...definition,
      primaryKey: { partition: ['customer', 'note'], clustering: ['nope'] },
    };
    expect(() => defineSink(bad)).toThrow(PipelineSpecError);
    expect(() => defineSink(bad)).toThrow(
      /columns\.note: a primary key column cannot be optional; primaryKey: 'nope' is not one of the columns/,
    );
  });

  it('refuse columns and tables CQL cannot name unquoted: reserved words, capitals', () => {
    expect(() => defineSink({ ...definition, table: 'Orders' })).toThrow(
      /table: 'Orders' has capitals/,
    );
    const token = { from: 't', type: 'text', optional: true } as const;
    expect(() => defineSink({ ...definition, columns: { ...definition.columns, token } })).toThrow(
      /columns\.token: 'token' is a reserved CQL word/,
    );
  });

  it('refuse an unknown column type, naming the column', () => {
    const bad = {
      ...definition,
      columns: { customer: { from: 'c', type: 'json' } },
    } as unknown as SinkDefinition;
    expect(() => defineSink(bad)).toThrow(/columns\.customer\.type/);
  });
});
