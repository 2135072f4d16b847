import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PipelineSpecError } from '../pipeline/errors.ts';
import { definitionsOfModule, type ModuleDefinitions } from './definitions-of-module.ts';

/** What a file gives `cassflow run`: pipelines fed by streams, functions run on schedules. */
export type RuntimeFile = ModuleDefinitions;

/** Every pipeline and scheduled function the module at `path` defines (see definitionsOfModule). */
export async function loadPipelineFile(path: string): Promise<RuntimeFile> {
  if (!existsSync(path)) throw new PipelineSpecError(path, [`no such file: ${resolve(path)}`]);
  const module = (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
  return definitionsOfModule(module, path);
}
