/** The module specifiers a source file imports, with their lines, comments left out. */
export type ImportedSpecifier = { specifier: string; line: number };

// `from '…'` (imports and re-exports), `import '…'`, `import('…')`, `require('…')` and
// `require.resolve('…')` (also through createRequire), and worker or child-process entries named
// with `new URL('…', import.meta.url)`: all are modules the file depends on.
const SPECIFIER =
  /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\(\s*|(?:\brequire|\))\.resolve\(\s*|new URL\(\s*)(['"])([^'"\n]+)\1(\s*,\s*import\.meta\.url)?/g;

const MODULE_FILE = /\.(ts|js|mjs|cjs)$/;

export function importSpecifiers(source: string): ImportedSpecifier[] {
  const code = codeOnly(source);
  const found: ImportedSpecifier[] = [];
  for (const match of code.matchAll(SPECIFIER)) {
    const [whole, , specifier = ''] = match;
    // A `new URL` is a module only when relative to this one and naming a source file (not a
    // folder, data, or an address).
    if (whole.startsWith('new URL') && !(match[3] && MODULE_FILE.test(specifier))) continue;
    const line = code.slice(0, match.index).split('\n').length;
    found.push({ specifier, line });
  }
  return found;
}

/** Code just before a string that names a module. */
const BEFORE_SPECIFIER =
  /(?:\bfrom|\bimport|\bimport\s*\(|\brequire\(|(?:\brequire|\))\.resolve\(|new URL\()\s*$/;

/**
 * The source with every comment blanked, and every string but the ones in import position
 * (newlines kept, so lines still count true).
 */
export function codeOnly(source: string): string {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      i = end === -1 ? source.length : end;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end === -1 ? source.length : end + 2;
      out += source.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else if (c === "'" || c === '"' || c === '`') {
      const stop = stringEnd(source, i);
      const literal = source.slice(i, stop);
      out += BEFORE_SPECIFIER.test(out.slice(-40)) ? literal : literal.replace(/[^\n]/g, ' ');
      i = stop;
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

/** The index just past the string literal opening at `start` (escapes skipped). */
function stringEnd(source: string, start: number): number {
  const quote = source[start];
  let i = start + 1;
  while (i < source.length && source[i] !== quote) {
    if (source[i] === '\\') i += 1;
    else if (quote !== '`' && source[i] === '\n') break;
    i += 1;
  }
  return i + 1;
}
