import cassandra from 'cassandra-driver';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { count } from '#lib/aggregates/index';
import { definePipeline, defineSink, PipelineSpecError } from '#lib/index';
import { INDEX_SLOTS } from '#lib/store/window-index';
import { closedSliceSlot, planClosedSlices } from '#lib/sync/closed-windows';
import { parseColumnType, UnsupportedTypeError } from '#lib/sync/column-type';
import { decimalText, toSyncValue } from '#lib/sync/sync-value';
import type { SyncSchema } from '#lib/sync/target';
import { attributeOf, itemKey } from '#lib/sync/targets/dynamodb-item';
import { jsonLine, jsonLineOf } from '#lib/sync/targets/json-row';
import { postgresParam, postgresType } from '#lib/sync/targets/postgres-types';
import { tumbling } from '#lib/windows/index';

const t = (text: string) => parseColumnType('ks.t.c', text);

describe('column types', () => {
  it.each([
    ['text', 'text', 'text'],
    ['bigint', 'bigint', 'bigint'],
    ['varint', 'numeric', 'numeric'],
    ['timestamp', 'timestamptz', 'timestamptz'],
    ['frozen<list<int>>', 'jsonb', 'jsonb'],
    ['map<text, frozen<set<uuid>>>', 'jsonb', 'jsonb'],
    ['blob', 'bytea', 'bytea'],
  ])('%s maps to PostgreSQL %s', (cql, pgType) => {
    expect(postgresType(t(cql))).toBe(pgType);
  });

  it.each(['tuple<int, text>', 'frozen<address>', 'duration', 'vector<float, 3>', 'map<text>'])(
    'refuses %s, naming the column',
    (cql) => {
      expect(() => t(cql)).toThrow(UnsupportedTypeError);
      expect(() => t(cql)).toThrow(/column ks\.t\.c has type/);
    },
  );
});

describe('values on their way to targets', () => {
  it('keeps big integers and decimals exact, times as ISO text, bytes as bytes', () => {
    const big = cassandra.types.Long.fromString('9007199254740993');
    expect(toSyncValue(t('bigint'), big)).toBe('9007199254740993');
    expect(toSyncValue(t('bigint'), 9007199254740993n)).toBe('9007199254740993');
    expect(toSyncValue(t('varint'), 123456789012345678901234567890n)).toBe(
      '123456789012345678901234567890',
    );
    expect(toSyncValue(t('decimal'), cassandra.types.BigDecimal.fromString('12.3400'))).toBe(
      '12.3400',
    );
    expect(toSyncValue(t('timestamp'), new Date(Date.UTC(2026, 0, 2)))).toBe(
      '2026-01-02T00:00:00.000Z',
    );
    expect(toSyncValue(t('blob'), Buffer.from([1, 2]))).toEqual(new Uint8Array([1, 2]));
    // A plain view of the driver's bytes: a Buffer's toJSON would win over a JSON replacer.
    const page = Buffer.from([9, 1, 2, 9]);
    const blob = toSyncValue(t('blob'), page.subarray(1, 3)) as Uint8Array;
    expect(Buffer.isBuffer(blob)).toBe(false);
    expect(jsonLine({ b: blob })).toBe('{"b":"AQI="}');
    expect(toSyncValue(t('set<bigint>'), [1n, 2n])).toEqual(['1', '2']);
    expect(toSyncValue(t('list<int>'), [1, 2])).toEqual([1, 2]);
    expect(toSyncValue(t('decimal'), cassandra.types.BigDecimal.fromString('0.000'))).toBe('0.000');
    expect(
      toSyncValue(t('decimal'), cassandra.types.BigDecimal.fromString('-140737488355328')),
    ).toBe('-140737488355328');
    expect(toSyncValue(t('map<text, int>'), new Map([['a', 1]]))).toEqual({ a: 1 });
    expect(toSyncValue(t('set<text>'), ['x', 'y'])).toEqual(['x', 'y']);
    expect(toSyncValue(t('int'), null)).toBeNull();
  });

  it('prints every decimal as the driver does, from its wire form', () => {
    // Prepare: digits of any length and sign, any non-negative scale.
    const decimals = fc
      .tuple(fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }), fc.integer({ min: 0, max: 30 }))
      .map(([unscaled, scale]) => {
        const digits = (unscaled < 0n ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
        const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
        return cassandra.types.BigDecimal.fromString(`${unscaled < 0n ? '-' : ''}${text}`);
      });

    // Assess
    fc.assert(fc.property(decimals, (d) => decimalText(d) === d.toString()));
    expect(decimalText(cassandra.types.BigDecimal.fromString('-0.0050'))).toBe('-0.0050');
    expect(
      // Wire form: scale -3, unscaled 12 (Java's 1.2E+4).
      decimalText(cassandra.types.BigDecimal.fromBuffer(Buffer.from([255, 255, 255, 253, 12]))),
    ).toBe('12000');
  });

  it('writes them as JSON, DynamoDB attributes and PostgreSQL parameters without loss', () => {
    expect(jsonLine({ a: 'x', b: new Uint8Array([255]), n: '9007199254740993' })).toBe(
      '{"a":"x","b":"/w==","n":"9007199254740993"}',
    );
    expect(attributeOf(t('bigint'), '9007199254740993')).toEqual({ N: '9007199254740993' });
    expect(attributeOf(t('double'), Number.NaN)).toEqual({ S: 'NaN' });
    expect(attributeOf(t('list<text>'), ['a', null])).toEqual({ L: [{ S: 'a' }, { NULL: true }] });
    expect(attributeOf(t('blob'), new Uint8Array([1]))).toEqual({ B: new Uint8Array([1]) });
    expect(postgresParam(t('map<text, blob>'), { k: new Uint8Array([255]) })).toBe('{"k":"/w=="}');
    expect(postgresParam(t('blob'), new Uint8Array([7]))).toEqual(Buffer.from([7]));
  });

  it('writes JSON lines with base64 bytes only where a column can hold bytes', () => {
    const column = (name: string, cqlType: string) => ({
      name,
      cqlType,
      type: t(cqlType),
      kind: 'regular' as const,
    });
    const row = { a: 'x', m: { k: new Uint8Array([255]) } };
    expect(jsonLineOf([column('a', 'text'), column('m', 'map<text, blob>')])(row)).toBe(
      '{"a":"x","m":{"k":"/w=="}}',
    );
    const plain = jsonLineOf([column('a', 'text'), column('n', 'list<bigint>')]);
    expect(plain).not.toBe(jsonLine);
    expect(plain({ a: 'x', n: ['9007199254740993'] })).toBe('{"a":"x","n":["9007199254740993"]}');
  });

  it('keys DynamoDB items by partition and clustering columns', () => {
    const schema = {
      keyspace: 'k',
      table: 't',
      primaryKey: ['a', 'b', 'c'],
      columns: [
        { name: 'a', kind: 'partition_key', type: t('text'), cqlType: 'text' },
        { name: 'b', kind: 'partition_key', type: t('int'), cqlType: 'int' },
        { name: 'c', kind: 'clustering', type: t('int'), cqlType: 'int' },
      ],
    } as const satisfies SyncSchema;
    expect(itemKey(schema, { a: 'x#y', b: 2, c: 3 })).toEqual({ pk: '["x#y",2]', sk: '3' });
  });
});

describe('closed-windows slices', () => {
  const H = 3_600_000;
  it('cut (from, through] at the index hour buckets, covering it exactly, once per partition', () => {
    const slices = planClosedSlices(H / 2, 2 * H + 10);
    const hours = [
      [H / 2, H - 1],
      [H - 1, 2 * H - 1],
      [2 * H - 1, 2 * H + 10],
    ];
    const slots = Array.from({ length: INDEX_SLOTS }, (_, slot) => slot);
    expect(slices.map((s) => [Number(s.start), Number(s.end), closedSliceSlot(s)])).toEqual(
      hours.flatMap((hour) => slots.map((slot) => [...hour, slot])),
    );
    expect(slices.map((s) => s.id)).toEqual(slices.map((_, i) => i));
    expect(planClosedSlices(5, 5)).toEqual([]);
  });
});

describe('sync entries in definitions', () => {
  const base = {
    name: 'p',
    source: { stream: 's' },
    key: 'k',
    time: 't',
    windows: [tumbling('1m')],
    aggregates: { n: count() },
  };

  it('fill in defaults: closed-windows for an aggregation, every 5 minutes', () => {
    const p = definePipeline({
      ...base,
      sync: [{ name: 'to-pg', target: { kind: 'postgres', table: 'p' } }],
    });
    expect(p.sync[0]).toMatchObject({
      name: 'to-pg',
      mode: 'closed-windows',
      schedule: 'rate(5 minutes)',
      splits: 32,
      fetchSize: 1000,
      concurrency: 4,
      marginMs: 30_000,
    });
  });

  it('name what is wrong: a bad schedule, closed-windows on a sink, a bad bucket', () => {
    expect(() =>
      definePipeline({
        ...base,
        sync: [
          { name: 'x', schedule: 'rate(1 minutes)', target: { kind: 's3', bucket: 'ok-bucket' } },
        ],
      }),
    ).toThrow(/sync\.0\.schedule/);
    expect(() =>
      definePipeline({
        ...base,
        sync: [{ name: 'x', target: { kind: 's3', bucket: 'Bad_Bucket' } }],
      }),
    ).toThrow(PipelineSpecError);
    expect(() =>
      defineSink({
        name: 's',
        source: { stream: 's' },
        table: 't',
        columns: { a: { from: 'a', type: 'text' } },
        primaryKey: { partition: ['a'] },
        sync: [{ name: 'x', mode: 'closed-windows', target: { kind: 'dynamodb', table: 'tbl' } }],
      }),
    ).toThrow(/closed-windows needs an aggregation/);
  });
});
