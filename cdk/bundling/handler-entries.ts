import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project being deployed: where `cdk` runs (cdk.json, package.json, the lock file). In a
 * checkout of cassflow that is the checkout; in a user's project, the project.
 */
export const PROJECT_ROOT = process.cwd();

/** cassflow's own modules: the sources in a checkout, the compiled files once installed. */
const LIB = fileURLToPath(new URL('../../lib/', import.meta.url));
const EXTENSION = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

/** The deployed functions, each a factory in lib/lambda that picks its pipeline from the env. */
const FACTORIES = {
  aggregate: ['aggregateFunction', 'aggregate-function.ts'],
  sink: ['sinkFunction', 'sink-function.ts'],
  sync: ['syncFunction', 'sync-function.ts'],
  schema: ['schemaFunction', 'schema-function.ts'],
} as const;

export type FunctionKind = keyof typeof FACTORIES;

/**
 * Writes one Lambda entry file per function kind for the pipelines of `pipelineFile`: the same
 * shape as functions/*.ts (which serve examples/), but importing the user's file, so the bundle
 * holds exactly the pipelines the stack was synthesized from. Files go under .cache/ and are
 * rewritten only when their text changes (esbuild and the asset hash see stable inputs).
 */
export function writeHandlerEntries(pipelineFile: string): Record<FunctionKind, string> {
  const file = resolve(pipelineFile);
  const label = relative(PROJECT_ROOT, file);
  const dir = join(
    PROJECT_ROOT,
    '.cache',
    'cdk-entries',
    createHash('sha256').update(file).digest('hex').slice(0, 12),
  );
  mkdirSync(dir, { recursive: true });
  const lib = (path: string) => JSON.stringify(join(LIB, path.replace(/\.ts$/, EXTENSION)));
  const entries = {} as Record<FunctionKind, string>;
  for (const [kind, [factory, module]] of Object.entries(FACTORIES)) {
    const text = [
      `// Written by cassflow's CDK app for ${label}; rewritten on every synth.`,
      `import * as definitions from ${JSON.stringify(file)};`,
      `import { ${factory} } from ${lib(`lambda/${module}`)};`,
      `import { withSecrets } from ${lib('lambda/secret-env.ts')};`,
      `import { pipelinesByName } from ${lib('pipeline-file/definitions-of-module.ts')};`,
      '',
      `const pipelines = pipelinesByName(definitions, ${JSON.stringify(label)});`,
      `export const handler = ${factory}(pipelines, await withSecrets(process.env));`,
      '',
    ].join('\n');
    const path = join(dir, `${kind}.ts`);
    if (readIfExists(path) !== text) writeFileSync(path, text);
    entries[kind as FunctionKind] = path;
  }
  return entries;
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
