import type { Aggregate } from '../aggregates/aggregate.ts';
import type { Pipeline } from './spec.ts';

/** Nested fields deeper than this are not offered as paths (a function of the event still is). */
type MaxDepth = 4;

/**
 * The dot paths into an event type: for `{ page: string; user: { id: string } }`, `'page' |
 * 'user' | 'user.id'`. For an untyped event (`Record<string, unknown>`) any string.
 */
export type FieldPath<Event, Depth extends unknown[] = []> = Depth['length'] extends MaxDepth
  ? never
  : Event extends readonly unknown[]
    ? never
    : Event extends object
      ? {
          [K in keyof Event & string]:
            | K
            | (NonNullable<Event[K]> extends object
                ? `${K}.${FieldPath<NonNullable<Event[K]>, [...Depth, unknown]>}`
                : never);
        }[keyof Event & string]
      : never;

/** A pipeline's aggregates by result column. */
export type AggregateMap = Readonly<Record<string, Aggregate<unknown, unknown>>>;

/**
 * Holds each aggregate's input field to the paths of `Event`, where the field is known to the
 * type checker (`avg('ms')`); a custom aggregate whose field is any string is not checked.
 */
export type CheckedFields<A, Event> = {
  [K in keyof A]: A[K] extends { readonly field: infer F extends string }
    ? string extends F
      ? unknown
      : F extends FieldPath<Event>
        ? unknown
        : { readonly field: FieldPath<Event> }
    : unknown;
};

/** The result of each aggregate by name: `count()` a bigint, `avg('ms')` a number, or null. */
export type ResultsOf<A> = {
  [K in keyof A]: A[K] extends Aggregate<unknown, infer Result> ? Result | null : unknown;
};

declare const types: unique symbol;

/**
 * A pipeline that remembers, for the type checker only, the events it reads and the results it
 * writes: what `testPipeline` and typed queries read their types from. At run time it is the
 * plain pipeline.
 */
export type TypedPipeline<
  Event = Record<string, unknown>,
  Results = Record<string, unknown>,
> = Pipeline & { readonly [types]?: { event: Event; results: Results } };

/** The event type of a typed pipeline. */
export type EventOf<P> = P extends { readonly [types]?: { event: infer E } } ? E : unknown;

/** The results type of a typed pipeline. */
export type ResultsOfPipeline<P> = P extends { readonly [types]?: { results: infer R } }
  ? R
  : Record<string, unknown>;
