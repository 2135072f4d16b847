import { type AnyPipeline, isAnyPipeline } from '../pipeline/any-pipeline.ts';
import { PipelineSpecError } from '../pipeline/errors.ts';
import type { Pipeline } from '../pipeline/spec.ts';
import { importPipelineModule } from './import-module.ts';

/** A module path rather than a name: './my-pipeline.ts', 'pipelines/orders.js'. */
function isModulePath(ref: string): boolean {
  return ref.includes('/') || /\.(ts|js|mjs)$/.test(ref);
}

/** Pipelines known by name (the examples), besides those given by module path. */
export type NamedPipelines = ReadonlyMap<string, AnyPipeline>;

/**
 * A pipeline named by the user: the name of one of `named`, or the path of a module that
 * exports one made with definePipeline or defineSink (its default export, or its only pipeline export).
 */
export async function loadPipeline(ref: string, named: NamedPipelines): Promise<AnyPipeline> {
  if (!isModulePath(ref)) {
    const found = named.get(ref);
    if (found) return found;
    const names = [...named.keys()].join(', ');
    throw new PipelineSpecError(ref, [
      `no pipeline is named '${ref}' (by name: ${names}); give a module path such as ./my-pipeline.ts to use your own`,
    ]);
  }
  const module = await importPipelineModule(ref);
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
export async function loadAggregation(ref: string, named: NamedPipelines): Promise<Pipeline> {
  const pipeline = await loadPipeline(ref, named);
  if (pipeline.kind === 'aggregation') return pipeline;
  throw new PipelineSpecError(pipeline.name, [
    `is a sink, not a windowed aggregation: its rows are in table ${pipeline.table}`,
  ]);
}
