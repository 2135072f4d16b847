#!/usr/bin/env node
// Entry of the `cassflow` command.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nodeVersionProblem } from './node-version.js';

const problem = nodeVersionProblem();
if (problem) {
  console.error(problem);
  process.exit(1);
}
// A checkout runs the TypeScript sources; the installed package carries them compiled.
const source = new URL('../cli/main.ts', import.meta.url);
const { main } = await import(
  existsSync(fileURLToPath(source)) ? source.href : new URL('../cli/main.js', import.meta.url).href
);
// Once the command is done, nothing it started may keep the process alive: after a Cassandra
// restart the driver can reopen a connection the shutdown already closed.
process.exit(await main(process.argv.slice(2)));
