import { describe, expect, it } from 'vitest';
import { type Aggregate, defineAggregate, jsonCodec } from '#lib/aggregates/index';

/** The longest text seen; ties go to the greatest string, so merge order cannot matter. */
type Longest = { text: string } | null;

const longestDefinition = {
  kind: 'longest',
  field: 'user.name',
  input: 'scalar',
  resultType: 'text',
  init: (): Longest => null,
  add: (acc: Longest, value: unknown): Longest => pick(acc, { text: String(value) }),
  merge: (a: Longest, b: Longest) => pick(a, b),
  result: (acc: Longest) => acc?.text ?? null,
  ...jsonCodec<Longest>(),
} satisfies Aggregate<Longest, string>;

function pick(a: Longest, b: Longest): Longest {
  if (!a || !b) return a ?? b;
  if (a.text.length !== b.text.length) return a.text.length > b.text.length ? a : b;
  return a.text >= b.text ? a : b;
}

/** The definition with some members replaced (undefined removes one). */
const definitionWith = (changes: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries({ ...longestDefinition, ...changes }).filter(([, v]) => v !== undefined),
  ) as unknown as Aggregate<Longest, string>;

describe('defineAggregate', () => {
  it('returns an aggregate with the declared members', () => {
    // Act
    const longest = defineAggregate(longestDefinition);

    // Assess
    expect(longest).toMatchObject({
      kind: 'longest',
      field: 'user.name',
      input: 'scalar',
      resultType: 'text',
    });
  });

  it('accepts an aggregate that reads no field', () => {
    // Act
    const events = defineAggregate<number, bigint>({
      kind: 'events',
      input: 'none',
      resultType: 'bigint',
      init: () => 0,
      add: (acc) => acc + 1,
      merge: (a, b) => a + b,
      result: (acc) => BigInt(acc),
      ...jsonCodec<number>(),
    });

    // Assess
    expect(events).not.toHaveProperty('field');
    expect(events.result(events.add(events.add(events.init(), undefined), undefined))).toBe(2n);
  });

  it.each([
    [
      { kind: 'Longest' },
      "kind must be a lowercase identifier (a-z, 0-9 and _, starting with a letter), got 'Longest'",
    ],
    [{ kind: 7 }, 'kind must be a lowercase identifier'],
    [{ field: undefined }, "field is required when input is 'scalar'"],
    [{ field: 'user..name' }, "field must be a dot path such as 'user.id', got 'user..name'"],
    [{ input: 'none' }, "field must be left out when input is 'none'"],
    [{ input: 'string' }, "input must be 'none', 'number' or 'scalar', got 'string'"],
    [{ resultType: 'int' }, "resultType must be 'bigint', 'double' or 'text', got 'int'"],
    [{ decode: undefined }, 'decode must be a function, got undefined'],
    [{ merge: 'max' }, 'merge must be a function, got string'],
  ])('names what is wrong (%#)', (changes, message) => {
    expect(() => defineAggregate(definitionWith(changes))).toThrow(message);
  });

  it('lists every problem at once, under the kind', () => {
    // Act
    const act = () => defineAggregate(definitionWith({ init: undefined, resultType: 'float' }));

    // Assess
    expect(act).toThrow(
      /^defineAggregate\('longest'\): resultType must be .*; init must be a function, got undefined$/,
    );
  });

  it('refuses options that are not an object', () => {
    expect(() => defineAggregate(null as unknown as Aggregate<Longest, string>)).toThrow(
      'defineAggregate: options must be an object, got null',
    );
  });

  it('makes a custom aggregate that survives merging and a trip through bytes', () => {
    // Arrange
    const longest = defineAggregate(longestDefinition);
    const fold = (values: string[]) =>
      values.reduce((acc, v) => longest.add(acc, v), longest.init());
    const shard1 = fold(['ada', 'grace', 'alan']);
    const shard2 = fold(['edsger', 'barbara', 'linus']);

    // Act
    const stored = longest.encode(longest.merge(shard1, longest.init()));
    const row = longest.merge(longest.decode(stored), longest.decode(longest.encode(shard2)));

    // Assess
    expect(longest.result(row)).toBe('barbara');
    expect(longest.result(longest.decode(longest.encode(longest.init())))).toBeNull();
  });
});

describe('jsonCodec', () => {
  const codec = jsonCodec<unknown>();

  it('round-trips plain values', () => {
    // Arrange
    const acc = { n: 3, items: ['a', 'ü'], nested: { ok: true, none: null } };

    // Act
    const copy = codec.decode(codec.encode(acc));

    // Assess
    expect(copy).toEqual(acc);
  });

  it('says why it cannot encode a bigint', () => {
    expect(() => codec.encode({ n: 1n })).toThrow(
      /^jsonCodec: the accumulator is not JSON \(.*BigInt/,
    );
  });

  it('refuses an accumulator that has no JSON form', () => {
    expect(() => codec.encode(undefined)).toThrow('jsonCodec: the accumulator is undefined');
  });
});
