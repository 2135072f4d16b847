import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PipelineSpecError } from '../pipeline/errors.ts';
import type { Pipeline } from '../pipeline/spec.ts';
import { BUILT_IN_PIPELINES } from './index.ts';

function isPipeline(value: unknown): value is Pipeline {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === 'aggregation' &&
    typeof (value as { name?: unknown }).name === 'string'
  );
}

/** A module path rather than a name: './my-pipeline.ts', 'pipelines/orders.js'. */
function isModulePath(ref: string): boolean {
  return ref.includes('/') || /\.(ts|js|mjs)$/.test(ref);
}

/**
 * A pipeline named by the user: the name of a built-in pipeline, or the path of a module that
 * exports one made with definePipeline (its default export, or its only pipeline export).
 */
export async function loadPipeline(ref: string): Promise<Pipeline> {
  if (!isModulePath(ref)) {
    const found = BUILT_IN_PIPELINES.get(ref);
    if (found) return found;
    const names = [...BUILT_IN_PIPELINES.keys()].join(', ');
    throw new PipelineSpecError(ref, [
      `no built-in pipeline is named '${ref}' (built in: ${names}); give a module path such as ./my-pipeline.ts to use your own`,
    ]);
  }
  const module = (await import(pathToFileURL(resolve(ref)).href)) as Record<string, unknown>;
  if (isPipeline(module.default)) return module.default;
  const exported = Object.values(module).filter(isPipeline);
  if (exported.length === 1) return exported[0] as Pipeline;
  throw new PipelineSpecError(ref, [
    exported.length === 0
      ? 'the module exports no pipeline made with definePipeline'
      : `the module exports ${exported.length} pipelines (${exported.map((p) => p.name).join(', ')}); export the one to use as default`,
  ]);
}
