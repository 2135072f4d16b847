import type { SinkPipeline } from './sink-spec.ts';
import type { Pipeline } from './spec.ts';

/** Either kind of pipeline: a windowed aggregation, or a plain sink into a table. */
export type AnyPipeline = Pipeline | SinkPipeline;

export function isAnyPipeline(value: unknown): value is AnyPipeline {
  if (typeof value !== 'object' || value === null) return false;
  const { kind, name } = value as { kind?: unknown; name?: unknown };
  return (kind === 'aggregation' || kind === 'sink') && typeof name === 'string';
}
