import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type AnyPipeline, isAnyPipeline } from '../pipeline/any-pipeline.ts';
import { PipelineSpecError } from '../pipeline/errors.ts';
import type { Pipeline } from '../pipeline/spec.ts';
import { BUILT_IN_PIPELINES } from './index.ts';

/** A module path rather than a name: './my-pipeline.ts', 'pipelines/orders.js'. */
function isModulePath(ref: string): boolean {
  return ref.includes('/') || /\.(ts|js|mjs)$/.test(ref);
}

/**
 * A pipeline named by the user: the name of a built-in pipeline, or the path of a module that
 * exports one made with definePipeline or defineSink (its default export, or its only pipeline export).
 */
export async function loadPipeline(ref: string): Promise<AnyPipeline> {
  if (!isModulePath(ref)) {
    const found = BUILT_IN_PIPELINES.get(ref);
    if (found) return found;
    const names = [...BUILT_IN_PIPELINES.keys()].join(', ');
    throw new PipelineSpecError(ref, [
      `no built-in pipeline is named '${ref}' (built in: ${names}); give a module path such as ./my-pipeline.ts to use your own`,
    ]);
  }
  const module = (await import(pathToFileURL(resolve(ref)).href)) as Record<string, unknown>;
  if (isAnyPipeline(module.default)) return module.default;
  const exported = Object.values(module).filter(isAnyPipeline);
  if (exported.length === 1) return exported[0] as AnyPipeline;
  throw new PipelineSpecError(ref, [
    exported.length === 0
      ? 'the module exports no pipeline made with definePipeline or defineSink'
      : `the module exports ${exported.length} pipelines (${exported.map((p) => p.name).join(', ')}); export the one to use as default`,
  ]);
}

/** A windowed aggregation pipeline, by name or module path; a sink is refused with its table. */
export async function loadAggregation(ref: string): Promise<Pipeline> {
  const pipeline = await loadPipeline(ref);
  if (pipeline.kind === 'aggregation') return pipeline;
  throw new PipelineSpecError(pipeline.name, [
    `is a sink, not a windowed aggregation: its rows are in table ${pipeline.table}`,
  ]);
}
