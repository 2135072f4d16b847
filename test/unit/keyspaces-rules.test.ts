import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { brokenRule, KEYSPACES_RULES, type StatementCheck } from '#lib/store/keyspaces-mode/rules';
import { statementShape } from '#lib/store/keyspaces-mode/statement';

const LOCAL_QUORUM = 6;
const LOCAL_SERIAL = 9;
const INDEX_KEYS = {
  partition: ['bucket'],
  clustering: ['close_at', 'key', 'window', 'window_start'],
  defaultTtl: 0,
};

function check(
  cql: string,
  params: unknown[] = [],
  extra: Partial<Omit<StatementCheck, 'shape' | 'params'>> = {},
): string | undefined {
  return brokenRule({ shape: statementShape(cql), params, consistency: LOCAL_QUORUM, ...extra })
    ?.rule.id;
}

describe('statementShape', () => {
  it('ties each relation and written column to its bound values by position', () => {
    const shape = statementShape(
      'UPDATE ks.w SET final = ?, events = ? WHERE key = ? AND window = ? AND window_start IN ? IF final = false',
    );
    expect(shape).toMatchObject({ kind: 'update', table: 'ks.w', conditional: true });
    expect(shape.writes).toEqual([
      { column: 'final', value: { params: [0] } },
      { column: 'events', value: { params: [1] } },
    ]);
    expect(shape.relations.map((r) => [r.columns, r.operator, r.value.params])).toEqual([
      [['key'], '=', [2]],
      [['window'], '=', [3]],
      [['window_start'], 'IN', [4]],
    ]);
  });

  it('reads INSERT column lists with literals, and multi-column and token relations', () => {
    const insert = statementShape(
      'INSERT INTO t (key, final, at) VALUES (?, true, ?) IF NOT EXISTS',
    );
    expect(insert.writes.map((w) => [w.column, w.value])).toEqual([
      ['key', { params: [0] }],
      ['final', { params: [], literal: 'true' }],
      ['at', { params: [1] }],
    ]);
    expect(insert.conditional).toBe(true);
    const range = statementShape('DELETE FROM t WHERE bucket = ? AND (a, b) >= (?, ?)');
    expect(range.relations[1]).toMatchObject({ columns: ['a', 'b'], operator: '>=' });
    expect(range.relations[1]?.value.params).toEqual([1, 2]);
    const token = statementShape(
      'SELECT bucket, token(bucket) AS t FROM x WHERE token(bucket) > ? LIMIT 1',
    );
    expect(token.relations).toEqual([
      { columns: ['bucket'], token: true, operator: '>', value: { params: [0] } },
    ]);
  });
});

describe('the Keyspaces statement guard', () => {
  it('refuses each documented difference and passes its Cassandra-and-Keyspaces counterpart', () => {
    expect(check('SELECT DISTINCT bucket FROM t')).toBe('distinct');
    expect(check('SELECT bucket FROM t LIMIT 1')).toBeUndefined();
    expect(check('SELECT COUNT(*) AS n FROM t')).toBe('aggregate');
    expect(check('DELETE FROM t WHERE bucket = ? AND (a, b) >= (?, ?)', [1, 2, 3])).toBe(
      'multi-column-relation',
    );
    expect(check('TRUNCATE t')).toBe('unsupported-statement');
    expect(check('CREATE INDEX ON t (v)')).toBe('unsupported-statement');
    expect(check('SELECT v FROM t WHERE k = ?', [1], { consistency: LOCAL_SERIAL })).toBe(
      'read-consistency',
    );
    expect(check('INSERT INTO t (k) VALUES (?)', [1], { consistency: 1 })).toBe(
      'write-consistency',
    );
    const lwt = 'UPDATE t SET v = ? WHERE k = ? IF v = ?';
    expect(check(lwt, [1, 2, 3])).toBeUndefined();
    expect(check(lwt, [1, 2, 3], { batch: { logged: false, size: 2 } })).toBe('conditional-batch');
    const plain = 'UPDATE t SET v = ? WHERE k = ?';
    expect(check(plain, [1, 2], { batch: { logged: false, size: 30 } })).toBeUndefined();
    expect(check(plain, [1, 2], { batch: { logged: false, size: 31 } })).toBe('batch-size');
    expect(check(plain, [1, 2], { batch: { logged: true, size: 100 } })).toBeUndefined();
    expect(check('DELETE FROM t WHERE k IN ?', [[1, 2]])).toBe('in-on-write');
    const many = Array.from({ length: 101 }, (_, i) => i);
    expect(check('SELECT v FROM t WHERE k = ? AND c IN ?', [1, many])).toBe('in-values');
    expect(check('SELECT v FROM t WHERE k = ? AND c IN ?', [1, many.slice(1)])).toBeUndefined();
    expect(check('INSERT INTO t (k) VALUES (?) USING TIMESTAMP 5', [1])).toBe('using-timestamp');
    expect(check('INSERT INTO t (k, v) VALUES (?, ?)', [1, 'x'.repeat(1024 * 1024)])).toBe(
      'row-size',
    );
  });

  it('refuses USING TTL on a table without TTL turned on, and takes it on one with a default TTL', () => {
    const insert = 'INSERT INTO d (source, hour) VALUES (?, ?) USING TTL ?';
    const keys = (defaultTtl: number) => ({
      partition: ['source', 'hour'],
      clustering: [],
      defaultTtl,
    });
    expect(check(insert, ['s', new Date(0), 60], { keys: keys(0) })).toBe('ttl-off');
    expect(check(insert, ['s', new Date(0), 60], { keys: keys(3600) })).toBeUndefined();
    expect(
      check('SELECT TTL(reason) FROM d WHERE source = ?', ['s'], { keys: keys(0) }),
    ).toBeUndefined();
  });

  it('measures keys in UTF-8 bytes with per-column metadata, up to exactly the quota', () => {
    const insert =
      'INSERT INTO i (bucket, close_at, key, window, window_start) VALUES (?, ?, ?, ?, ?)';
    const at = new Date(0);
    // 4 columns x 4 bytes of metadata + two timestamps of 8 + a window of 6: the key may take 812.
    const fits = ['b', at, 'é'.repeat(406), 'tumble', at];
    expect(check(insert, fits, { keys: INDEX_KEYS })).toBeUndefined();
    const over = ['b', at, `${'é'.repeat(406)}x`, 'tumble', at];
    expect(check(insert, over, { keys: INDEX_KEYS })).toBe('clustering-key-size');
    // One partition column: 3 bytes of metadata, so its value may take 2,045 bytes.
    const bucket = (text: string) => [text, at, 'k', 'w', at];
    expect(check(insert, bucket(`${'é'.repeat(1022)}x`), { keys: INDEX_KEYS })).toBeUndefined();
    expect(check(insert, bucket(`${'é'.repeat(1022)}xx`), { keys: INDEX_KEYS })).toBe(
      'partition-key-size',
    );
  });

  it('cites a Keyspaces developer guide page for every rule, as docs/keyspaces-mode.md does', () => {
    const doc = readFileSync(new URL('../../docs/keyspaces-mode.md', import.meta.url), 'utf8');
    for (const rule of KEYSPACES_RULES) {
      const page = rule.source.replace(/^.*\/devguide\//, '');
      expect(doc).toMatch(new RegExp(`\\| \`${rule.id}\`\\s+\\|.*\\| \`${page}\``));
      expect(rule.source).toMatch(
        /^https:\/\/docs\.aws\.amazon\.com\/keyspaces\/latest\/devguide\//,
      );
    }
  });

  it('never refuses a plain single-partition read or write at LOCAL_QUORUM (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.integer(), (key, value) => {
        expect(check('INSERT INTO t (k, v) VALUES (?, ?)', [key, value])).toBeUndefined();
        expect(check('SELECT v FROM t WHERE k = ?', [key])).toBeUndefined();
      }),
    );
  });
});
