import { definitionsOfModule, type ModuleDefinitions } from './definitions-of-module.ts';
import { importPipelineModule } from './import-module.ts';

/** What a file gives `cassflow run`: pipelines fed by streams, functions run on schedules. */
export type RuntimeFile = ModuleDefinitions;

/** Every pipeline and scheduled function the module at `path` defines (see definitionsOfModule). */
export async function loadPipelineFile(path: string): Promise<RuntimeFile> {
  return definitionsOfModule(await importPipelineModule(path), path);
}
