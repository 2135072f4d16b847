/**
 * `npm run build`: the installable package in dist/package, the folder `npm run pack` packs.
 * The checkout runs its TypeScript as it is (Node strips the types); Node refuses to do that under
 * node_modules, so the package carries JavaScript compiled by tsc, with declarations, beside the
 * files the code reads at run time, and a package.json whose entry points name the compiled files.
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { DEV_TOOLS } from '../cli/init/project-files.ts';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'dist', 'package');

/**
 * Files the code opens by path (worker loaders, Maven's pom, the dashboard's page), copied beside
 * the compiled code.
 */
const ASSETS = /\.(cjs|xml)$|\/dashboard\/assets\//;
/** Copied as they are. */
const AS_IS = ['bin/cassflow.js', 'bin/node-version.js', 'bin/node-version.d.ts', 'README.md'];
const OPTIONAL_AS_IS = ['LICENSE', 'CHANGELOG.md', 'docs'];

rmSync(OUT, { recursive: true, force: true });
execFileSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', '.ci/tsconfig.package.json'], {
  cwd: ROOT,
  stdio: 'inherit',
});
for (const file of filesUnder(join(ROOT, 'lib'))) {
  if (ASSETS.test(file)) cpSync(file, join(OUT, relative(ROOT, file)));
}
for (const path of AS_IS) cpSync(join(ROOT, path), join(OUT, path), { recursive: true });
for (const path of OPTIONAL_AS_IS) {
  try {
    cpSync(join(ROOT, path), join(OUT, path), { recursive: true });
  } catch {
    // Not every checkout has them; the package is whole without.
  }
}
let rewritten = 0;
for (const file of filesUnder(OUT)) {
  if (!file.endsWith('.js')) continue;
  const text = readFileSync(file, 'utf8');
  const compiled = pointAtCompiledFiles(text);
  if (compiled !== text) {
    writeFileSync(file, compiled);
    rewritten += 1;
  }
}
writeFileSync(join(OUT, 'package.json'), `${JSON.stringify(publishedManifest(), null, 2)}\n`);
console.log(
  `dist/package: ${filesUnder(OUT).length} files (${rewritten} with worker or process entries pointed at .js)`,
);

/**
 * Worker and child-process entries are named as files (`new URL('./x.ts', import.meta.url)`),
 * which tsc leaves alone: in the package they are the compiled .js files.
 */
export function pointAtCompiledFiles(text: string): string {
  return text.replace(
    /new URL\((['"])(\.{1,2}\/[^'"]+)\.ts\1,(\s*)import\.meta\.url\)/g,
    'new URL($1$2.js$1,$3import.meta.url)',
  );
}

/** The checkout's package.json, for the compiled layout and without what only the checkout uses. */
function publishedManifest() {
  const source = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const { private: _private, scripts: _scripts, devDependencies, ...kept } = source;
  return {
    ...kept,
    // Never installed with the package: the versions `cassflow init` gives a project's tools.
    devDependencies: Object.fromEntries(
      DEV_TOOLS.filter((tool) => !source.peerDependencies?.[tool]).map((tool) => [
        tool,
        devDependencies[tool] as string,
      ]),
    ),
    exports: {
      '.': { types: './lib/index.d.ts', default: './lib/index.js' },
      ...(existsSync(join(OUT, 'lib', 'testing', 'index.js'))
        ? { './testing': { types: './lib/testing/index.d.ts', default: './lib/testing/index.js' } }
        : {}),
      './cdk': { types: './cdk/cassflow-stack.d.ts', default: './cdk/cassflow-stack.js' },
      './package.json': './package.json',
    },
    imports: { '#lib/*': './lib/*.js' },
    bin: { cassflow: 'bin/cassflow.js' },
  };
}

function filesUnder(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...filesUnder(path));
    else files.push(path);
  }
  return files;
}
