/** The CQL type of the plain column that holds an aggregate's result. */
export type ResultColumnType = 'bigint' | 'double' | 'text';

/** What an aggregate reads from each event. */
export type AggregateInput =
  /** Nothing: the event itself counts (count). */
  | 'none'
  /** A finite number at `field` (sum, min, max, avg, quantile). */
  | 'number'
  /** Any string, number or boolean at `field` (distinct). */
  | 'scalar';

/**
 * A mergeable aggregate: the unit cassflow folds events into and keeps, serialized, in a state
 * row. `merge` must be associative and commutative, and `decode(encode(acc))` must equal `acc`,
 * because rows are built from partial accumulators in any grouping and order.
 *
 * `add` and `merge` may mutate and return their first argument (the engine never reuses it).
 */
export interface Aggregate<Acc = unknown, Result = number | bigint | string | null> {
  /** A short name of the kind, e.g. 'count' or 'quantile'. */
  readonly kind: string;
  /** Dot path of the input field in the event, when `input` is not 'none'. */
  readonly field?: string;
  readonly input: AggregateInput;
  readonly resultType: ResultColumnType;
  init(): Acc;
  /** Folds one input value (already checked to match `input`; undefined for 'none'). */
  add(acc: Acc, value: unknown): Acc;
  merge(a: Acc, b: Acc): Acc;
  /** The value for the result column; null when there is none yet (e.g. min of nothing). */
  result(acc: Acc): Result | null;
  encode(acc: Acc): Uint8Array;
  decode(bytes: Uint8Array): Acc;
}
