import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const PAGES = readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md'));
const LIB_READMES = readdirSync(join(ROOT, 'lib'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => `lib/${d.name}/README.md`);

/** Links to files of the repository (not web pages, not anchors of the same page). */
function localLinks(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8').replace(/```[\s\S]*?```/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => (m[1] as string).split('#')[0] as string)
    .filter((target) => target !== '' && !/^[a-z]+:/.test(target));
}

describe('the documentation', () => {
  it('keeps the README under 200 lines', () => {
    expect(README.split('\n').length).toBeLessThan(200);
  });

  it('links every page of docs/ from the README', () => {
    const unlinked = PAGES.filter((page) => !README.includes(`](docs/${page})`));
    expect(unlinked).toEqual([]);
  });

  it('has no link to a file that is not there', () => {
    const files = ['README.md', 'CHANGELOG.md', 'functions/README.md', 'bench/README.md'];
    const broken: string[] = [];
    for (const file of [...files, ...PAGES.map((p) => `docs/${p}`), ...LIB_READMES]) {
      for (const target of localLinks(file)) {
        if (!existsSync(join(ROOT, dirname(file), target))) broken.push(`${file} → ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
