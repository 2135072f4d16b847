import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { Command } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import { DEV_TOOLS, projectFiles } from '../init/project-files.ts';
import { type CommandOutput, UsageError } from '../output.ts';

type InitOptions = { cassflow?: string };

/** A checkout runs cassflow from its TypeScript sources; the installed package, compiled. */
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const CHECKOUT = resolve(import.meta.dirname, '..', '..');

/** `cassflow init [dir]`: a new project with a pipeline, its test and the CDK app. */
export function initCommand(out: CommandOutput): Command {
  return new Command('init')
    .summary('create a project: a pipeline, its test, the local run and the CDK app')
    .description(
      'Create a project in [dir] (default: here): package.json with cassflow as a dependency, ' +
        'pipeline.ts (page views per page and minute), pipeline.test.ts (the pipeline in ' +
        "memory, with testPipeline), cdk.json for cassflow's CDK app, and a README. Then: " +
        'npm install && npm test && npm start.',
    )
    .argument('[dir]', 'folder of the new project', '.')
    .option(
      '--cassflow <spec>',
      `how package.json names cassflow (default: ^${packageJson.version}; from a checkout, file:<checkout>)`,
    )
    .action((dir: string, options: InitOptions) => {
      const root = resolve(dir);
      const files = projectFiles({
        name: packageName(basename(root)),
        cassflow:
          options.cassflow ?? (FROM_SOURCE ? `file:${CHECKOUT}` : `^${packageJson.version}`),
        cdkApp: `node_modules/cassflow/cdk/app.${FROM_SOURCE ? 'ts' : 'js'}`,
        versions: toolVersions(),
      });
      const existing = Object.keys(files).filter((file) => existsSync(join(root, file)));
      if (existing.length > 0) {
        throw new UsageError(
          `${root} already has ${existing.join(', ')}: init only creates a new project ` +
            '(choose an empty or new folder)',
        );
      }
      for (const [file, text] of Object.entries(files)) {
        mkdirSync(dirname(join(root, file)), { recursive: true });
        writeFileSync(join(root, file), text);
      }
      const cd = relative(process.cwd(), root);
      out.info(`Created ${Object.keys(files).join(', ')} in ${root}`);
      out.result({ dir: root, files: Object.keys(files) });
      out.info(`Next: ${cd ? `cd ${cd} && ` : ''}npm install && npm test && npm start`);
    });
}

/** An npm package name from a folder's name: lowercase, URL-safe, not starting with . or _. */
export function packageName(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+/, '')
    .slice(0, 214);
  // A project named cassflow would depend on itself.
  return name && name !== 'cassflow' ? name : 'cassflow-app';
}

/** The ranges cassflow itself is built and tested with. */
function toolVersions(): Record<(typeof DEV_TOOLS)[number], string> {
  const manifest = packageJson as {
    peerDependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const known = { ...manifest.peerDependencies, ...manifest.devDependencies };
  return Object.fromEntries(DEV_TOOLS.map((tool) => [tool, known[tool] ?? 'latest'])) as Record<
    (typeof DEV_TOOLS)[number],
    string
  >;
}
