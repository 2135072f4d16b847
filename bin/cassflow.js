#!/usr/bin/env node
// Entry of the `cassflow` command.
import { nodeVersionProblem } from './node-version.js';

const problem = nodeVersionProblem();
if (problem) {
  console.error(problem);
  process.exit(1);
}
const { main } = await import('../cli/main.ts');
// Once the command is done, nothing it started may keep the process alive: after a Cassandra
// restart the driver can reopen a connection the shutdown already closed.
process.exit(await main(process.argv.slice(2)));
