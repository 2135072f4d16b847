/** Mergeable aggregates for pipelines, and the way to declare custom ones (see README.md). */
export type { Aggregate, AggregateInput, ResultColumnType } from './aggregate.ts';
export { avg, count, max, min, sum } from './basic.ts';
export {
  type AggregateDefinition,
  defineAggregate,
  jsonCodec,
} from './define-aggregate.ts';
export { distinct } from './distinct.ts';
export { type QuantileSketch, quantile } from './quantile.ts';
