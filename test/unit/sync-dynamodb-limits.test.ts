import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DYNAMODB_LIMITS,
  dynamoDbItemProblem,
  itemBytes,
  numberProblem,
} from '#lib/sync/targets/dynamodb-limits';

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');
const item = (pk: string, sk = '-', rest: Record<string, AttributeValue> = {}) => ({
  pk: { S: pk },
  sk: { S: sk },
  ...rest,
});

/** Keys short and empty, and keys of 400 to 1,200 code points of 1 to 4 bytes: around 2,048. */
const anyKey = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ unit: 'binary', minLength: 400, maxLength: 1200, size: 'max' }),
);

describe('DynamoDB item limits', () => {
  it('GIVEN any partition key THEN it is refused exactly when it is empty or over 2,048 UTF-8 bytes', () => {
    fc.assert(
      fc.property(anyKey, (pk) => {
        const problem = dynamoDbItemProblem(item(pk));
        const bytes = utf8(pk);
        expect(problem !== undefined).toBe(bytes === 0 || bytes > 2048);
        if (bytes > 2048) expect(problem).toMatch(/partition key \(pk.* UTF-8 bytes/);
      }),
      { numRuns: 2000 },
    );
  });

  it('GIVEN a key short in UTF-16 units but long in UTF-8 bytes THEN it is refused, as DynamoDB would', () => {
    // 700 characters, 2,100 bytes: dynalite (counting UTF-16 units) takes it; DynamoDB does not.
    const euros = '€'.repeat(700);
    expect(euros.length).toBeLessThan(2048);
    expect(dynamoDbItemProblem(item(euros))).toBe(
      'DynamoDB partition key (pk, the partition key columns) of 2,100 UTF-8 bytes is over the limit of 2,048',
    );
    expect(dynamoDbItemProblem(item('a'.repeat(2048)))).toBeUndefined();
    expect(dynamoDbItemProblem(item('k', 'é'.repeat(512)))).toBeUndefined();
    expect(dynamoDbItemProblem(item('k', `${'é'.repeat(512)}x`))).toMatch(
      /sort key \(sk, the clustering columns\) of 1,025 UTF-8 bytes is over the limit of 1,024/,
    );
    expect(dynamoDbItemProblem(item('k', ''))).toMatch(/sort key .* is empty/);
  });

  it('GIVEN string attributes THEN the item size is every name and value in UTF-8 bytes', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ unit: 'binary', minLength: 1 }), fc.string({ unit: 'binary' })),
        (columns) => {
          const attributes = Object.fromEntries(
            Object.entries(columns).map(([k, v]) => [k, { S: v }]),
          );
          const expected = Object.entries(columns).reduce(
            (sum, [k, v]) => sum + utf8(k) + utf8(v),
            0,
          );
          expect(itemBytes(attributes)).toBe(expected);
        },
      ),
    );
  });

  it('GIVEN an item at and just over 400 KB THEN only the one over is refused', () => {
    const base = itemBytes(item('k', '-', { body: { S: '' } }));
    const room = DYNAMODB_LIMITS.itemBytes - base;
    // Three-byte characters and one-byte ones, so the sizes are counted in bytes, not characters.
    const fits = `${'€'.repeat(Math.floor(room / 3))}${'x'.repeat(room % 3)}`;
    expect(dynamoDbItemProblem(item('k', '-', { body: { S: fits } }))).toBeUndefined();
    expect(dynamoDbItemProblem(item('k', '-', { body: { S: `${fits}x` } }))).toBe(
      'DynamoDB item of 409,601 bytes is over the limit of 400 KB (409,600 bytes)',
    );
  });

  it('GIVEN any item near 400 KB THEN it is refused for its size exactly when over the limit', () => {
    const value: fc.Arbitrary<AttributeValue> = fc.letrec<{ v: AttributeValue }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.string({ unit: 'binary' }).map((S) => ({ S })),
        fc.integer().map((n) => ({ N: String(n) })),
        fc.uint8Array().map((B) => ({ B })),
        fc.boolean().map((BOOL) => ({ BOOL })),
        fc.array(tie('v'), { maxLength: 4 }).map((L) => ({ L })),
        fc.dictionary(fc.string({ unit: 'binary' }), tie('v'), { maxKeys: 4 }).map((M) => ({ M })),
      ),
    })).v;
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ unit: 'binary', minLength: 1 }), value, { maxKeys: 6 }),
        fc.integer({ min: -300, max: 300 }),
        (columns, offset) => {
          // A filler of 1 to 3 byte characters brings the item to the limit plus the offset.
          const { pk: _pk, sk: _sk, filler: _f, ...rest } = columns;
          const without = item('k', '-', { ...rest, filler: { S: '' } });
          const room = Math.max(0, DYNAMODB_LIMITS.itemBytes - itemBytes(without) + offset);
          const filled = {
            ...without,
            filler: {
              S: `${'€'.repeat(Math.floor(room / 3))}${'é'.repeat(Math.floor((room % 3) / 2))}${'x'.repeat((room % 3) % 2)}`,
            },
          };
          const over = itemBytes(filled) > DYNAMODB_LIMITS.itemBytes;
          expect(dynamoDbItemProblem(filled)?.startsWith('DynamoDB item of') ?? false).toBe(over);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('counts lists, maps, numbers, bytes, nulls and booleans as DynamoDB documents', () => {
    expect(itemBytes({ a: { N: '12345' } })).toBe(1 + 4);
    expect(itemBytes({ a: { N: '-0.00120' } })).toBe(1 + 2);
    expect(itemBytes({ a: { B: new Uint8Array(10) } })).toBe(11);
    expect(itemBytes({ a: { NULL: true }, b: { BOOL: false } })).toBe(4);
    expect(itemBytes({ a: { L: [{ S: 'xy' }, { NULL: true }] } })).toBe(1 + 3 + 1 + 2 + 1 + 1);
    expect(itemBytes({ a: { M: { ké: { S: 'xy' } } } })).toBe(1 + 3 + 1 + 3 + 2);
  });

  it('GIVEN any double THEN its number is refused exactly when outside 1E-130 to below 1E+126', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (d) => {
        const magnitude = Math.abs(d);
        const outside = magnitude >= 1e126 || (d !== 0 && magnitude < 1e-130);
        expect(numberProblem(String(d)) !== undefined).toBe(outside);
      }),
      { numRuns: 5000 },
    );
  });

  it('GIVEN any integer THEN its number is refused exactly when it has over 38 significant digits', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 60n), max: 10n ** 60n }), (n) => {
        const significant = (n < 0n ? -n : n).toString().replace(/0+$/, '').length;
        expect(numberProblem(n.toString()) !== undefined).toBe(significant > 38);
      }),
      { numRuns: 5000 },
    );
  });

  it('GIVEN a number DynamoDB cannot hold anywhere in the item THEN the item is refused naming the column', () => {
    const tooPrecise = `1${'2'.repeat(38)}`;
    expect(dynamoDbItemProblem(item('k', '-', { amount: { N: tooPrecise } }))).toBe(
      'column amount: number of 39 significant digits (DynamoDB holds 38)',
    );
    expect(
      dynamoDbItemProblem(item('k', '-', { tags: { L: [{ N: '1' }, { N: '1e+300' }] } })),
    ).toMatch(/^column tags: number 1e\+300 outside DynamoDB's range/);
  });
});
