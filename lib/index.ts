/**
 * cassflow's public API: declare pipelines, build their Lambda handlers, read their results.
 *
 * @example
 * import { count, definePipeline, quantile, sliding, tumbling } from 'cassflow';
 */
export * from './aggregates/index.ts';
export { createAggregateHandler } from './lambda/aggregate-handler.ts';
export { createSinkHandler } from './lambda/sink-handler.ts';
export type { AnyPipeline } from './pipeline/any-pipeline.ts';
export { definePipeline } from './pipeline/define-pipeline.ts';
export {
  defineScheduledFunction,
  type ScheduledFunction,
} from './pipeline/define-scheduled-function.ts';
export { defineSink } from './pipeline/define-sink.ts';
export { PipelineSpecError } from './pipeline/errors.ts';
export type { SinkDefinition, SinkPipeline } from './pipeline/sink-spec.ts';
export type { EventRecord, Pipeline, PipelineDefinition } from './pipeline/spec.ts';
export type {
  EventOf,
  FieldPath,
  ResultsOf,
  ResultsOfPipeline,
  TypedPipeline,
} from './pipeline/typed.ts';
export { QueryError, readWindows } from './query/read-windows.ts';
export type { WindowFilter, WindowResult } from './query/window-result.ts';
export { DurationError, formatDuration, parseDuration } from './windows/duration.ts';
export { session, sliding, tumbling, WindowSpecError } from './windows/index.ts';
