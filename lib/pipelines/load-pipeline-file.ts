import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  isScheduledFunction,
  type ScheduledFunction,
} from '../local/scheduler/scheduled-function.ts';
import { type AnyPipeline, isAnyPipeline } from '../pipeline/any-pipeline.ts';
import { PipelineSpecError } from '../pipeline/errors.ts';

/** What a file gives `cassflow run`: pipelines fed by streams, functions run on schedules. */
export type RuntimeFile = { pipelines: AnyPipeline[]; scheduled: ScheduledFunction[] };

/**
 * Every pipeline and scheduled function a module defines: its default export (one, or an array)
 * and its named exports, once each. Two different ones of the same name are refused.
 */
export async function loadPipelineFile(path: string): Promise<RuntimeFile> {
  if (!existsSync(path)) throw new PipelineSpecError(path, [`no such file: ${resolve(path)}`]);
  const module = (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
  const candidates = [
    ...(Array.isArray(module.default) ? module.default : [module.default]),
    ...Object.entries(module)
      .filter(([name]) => name !== 'default')
      .map(([, value]) => value),
  ];
  const byName = new Map<string, AnyPipeline | ScheduledFunction>();
  for (const candidate of candidates) {
    if (!isAnyPipeline(candidate) && !isScheduledFunction(candidate)) continue;
    const seen = byName.get(candidate.name);
    if (seen && seen !== candidate) {
      throw new PipelineSpecError(path, [`defines two things named '${candidate.name}'`]);
    }
    byName.set(candidate.name, candidate);
  }
  if (byName.size === 0) {
    throw new PipelineSpecError(path, [
      'the module exports no pipeline (definePipeline, defineSink) or scheduled function ' +
        '(defineScheduledFunction)',
    ]);
  }
  const all = [...byName.values()];
  return {
    pipelines: all.filter((x): x is AnyPipeline => x.kind !== 'scheduled'),
    scheduled: all.filter(isScheduledFunction),
  };
}
