import { type AnyPipeline, isAnyPipeline } from '../pipeline/any-pipeline.ts';
import type { ScheduledFunction } from '../pipeline/define-scheduled-function.ts';
import { isScheduledFunction } from '../pipeline/define-scheduled-function.ts';
import { PipelineSpecError } from '../pipeline/errors.ts';

/** What a module defines: pipelines fed by streams, functions run on schedules. */
export type ModuleDefinitions = { pipelines: AnyPipeline[]; scheduled: ScheduledFunction[] };

/**
 * Every pipeline and scheduled function a module defines: its default export (one, or an array)
 * and its named exports, once each. Two different ones of the same name are refused. `source`
 * names the module in errors.
 */
export function definitionsOfModule(
  module: Record<string, unknown>,
  source: string,
): ModuleDefinitions {
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
      throw new PipelineSpecError(source, [`defines two things named '${candidate.name}'`]);
    }
    byName.set(candidate.name, candidate);
  }
  if (byName.size === 0) {
    throw new PipelineSpecError(source, [
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

/** The pipelines of a module by name: what the deployed functions pick from. */
export function pipelinesByName(module: Record<string, unknown>, source: string) {
  const { pipelines } = definitionsOfModule(module, source);
  return new Map(pipelines.map((p) => [p.name, p] as const));
}
