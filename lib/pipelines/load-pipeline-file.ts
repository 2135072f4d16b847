import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type AnyPipeline, isAnyPipeline } from '../pipeline/any-pipeline.ts';
import { PipelineSpecError } from '../pipeline/errors.ts';

/**
 * Every pipeline a module defines: its default export (a pipeline or an array of them) and its
 * named pipeline exports, once each. Two different pipelines of one name are refused.
 */
export async function loadPipelineFile(path: string): Promise<AnyPipeline[]> {
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
      throw new PipelineSpecError(path, [`no such module: ${resolve(path)}`]);
    }
    throw error;
  }
  const candidates = [
    ...(Array.isArray(module.default) ? module.default : [module.default]),
    ...Object.entries(module)
      .filter(([name]) => name !== 'default')
      .map(([, value]) => value),
  ];
  const byName = new Map<string, AnyPipeline>();
  for (const candidate of candidates) {
    if (!isAnyPipeline(candidate)) continue;
    const seen = byName.get(candidate.name);
    if (seen && seen !== candidate) {
      throw new PipelineSpecError(path, [`defines two pipelines named '${candidate.name}'`]);
    }
    byName.set(candidate.name, candidate);
  }
  if (byName.size === 0) {
    throw new PipelineSpecError(path, [
      'the module exports no pipeline made with definePipeline or defineSink',
    ]);
  }
  return [...byName.values()];
}
