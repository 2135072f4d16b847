import type { Aggregate, AggregateInput, ResultColumnType } from './aggregate.ts';

/** What a custom aggregate declares: the same members as an Aggregate (see aggregate.ts). */
export type AggregateDefinition<Acc, Result extends number | bigint | string> = Aggregate<
  Acc,
  Result
>;

const KIND = /^[a-z][a-z0-9_]*$/;
const FIELD_PATH = /^[^.]+(\.[^.]+)*$/;
const INPUTS: readonly AggregateInput[] = ['none', 'number', 'scalar'];
const RESULT_TYPES: readonly ResultColumnType[] = ['bigint', 'double', 'text'];
const FUNCTIONS = ['init', 'add', 'merge', 'result', 'encode', 'decode'] as const;

const show = (value: unknown) => (typeof value === 'string' ? `'${value}'` : String(value));

function problemsOf(options: Record<string, unknown>): string[] {
  const { kind, field, input, resultType } = options;
  const problems: string[] = [];
  if (typeof kind !== 'string' || !KIND.test(kind)) {
    problems.push(
      `kind must be a lowercase identifier (a-z, 0-9 and _, starting with a letter), got ${show(kind)}`,
    );
  }
  if (!INPUTS.includes(input as AggregateInput)) {
    problems.push(`input must be 'none', 'number' or 'scalar', got ${show(input)}`);
  }
  if (!RESULT_TYPES.includes(resultType as ResultColumnType)) {
    problems.push(`resultType must be 'bigint', 'double' or 'text', got ${show(resultType)}`);
  }
  if (input === 'none') {
    if (field !== undefined) problems.push(`field must be left out when input is 'none'`);
  } else if (field === undefined) {
    if (input !== undefined) problems.push(`field is required when input is ${show(input)}`);
  } else if (typeof field !== 'string' || !FIELD_PATH.test(field)) {
    problems.push(`field must be a dot path such as 'user.id', got ${show(field)}`);
  }
  for (const name of FUNCTIONS) {
    if (typeof options[name] !== 'function') {
      problems.push(`${name} must be a function, got ${typeof options[name]}`);
    }
  }
  return problems;
}

/**
 * Declares a custom aggregate, checked up front so a mistake shows when the pipeline module loads
 * rather than on the first event. Throws an Error listing every problem.
 *
 * The rules the engine relies on: `merge` is associative and commutative (partial accumulators
 * are combined in any grouping and order), and `decode(encode(acc))` equals `acc`.
 *
 * @example
 * type Range = { lo: number; hi: number } | null;
 * const range = (field: string) =>
 *   defineAggregate<Range, number>({
 *     kind: 'range', field, input: 'number', resultType: 'double',
 *     init: () => null,
 *     add: (acc, value) => {
 *       const x = value as number;
 *       return acc ? { lo: Math.min(acc.lo, x), hi: Math.max(acc.hi, x) } : { lo: x, hi: x };
 *     },
 *     merge: (a, b) => (a && b ? { lo: Math.min(a.lo, b.lo), hi: Math.max(a.hi, b.hi) } : (a ?? b)),
 *     result: (acc) => (acc ? acc.hi - acc.lo : null),
 *     ...jsonCodec<Range>(),
 *   });
 */
export function defineAggregate<Acc, Result extends number | bigint | string>(
  options: AggregateDefinition<Acc, Result>,
): Aggregate<Acc, Result> {
  if (typeof options !== 'object' || options === null) {
    throw new Error(`defineAggregate: options must be an object, got ${show(options)}`);
  }
  const problems = problemsOf(options as unknown as Record<string, unknown>);
  if (problems.length > 0) {
    const label = typeof options.kind === 'string' ? `'${options.kind}'` : '';
    throw new Error(`defineAggregate(${label}): ${problems.join('; ')}`);
  }
  const { kind, field, input, resultType, init, add, merge, result, encode, decode } = options;
  return {
    kind,
    ...(field === undefined ? {} : { field }),
    input,
    resultType,
    init,
    add,
    merge,
    result,
    encode,
    decode,
  };
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * `encode` and `decode` that store an accumulator as JSON text, for plain custom accumulators
 * (objects, arrays, strings, finite numbers, booleans, null). Round trips only hold for those:
 * bigint cannot be encoded (encode throws), and undefined members, Infinity, NaN, -0, Map, Set
 * and Date do not come back as they were.
 */
export function jsonCodec<Acc>(): Pick<Aggregate<Acc>, 'encode' | 'decode'> {
  return {
    encode: (acc) => {
      let text: string | undefined;
      try {
        text = JSON.stringify(acc);
      } catch (error) {
        throw new Error(`jsonCodec: the accumulator is not JSON (${(error as Error).message})`, {
          cause: error,
        });
      }
      if (text === undefined) throw new Error(`jsonCodec: the accumulator is ${typeof acc}`);
      return utf8Encoder.encode(text);
    },
    decode: (bytes) => JSON.parse(utf8Decoder.decode(bytes)) as Acc,
  };
}
