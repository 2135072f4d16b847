import { defineConfig } from 'vitest/config';
import { nodeVersionProblem } from './bin/node-version.js';

const problem = nodeVersionProblem();
if (problem) throw new Error(problem);

/**
 * Integration tests run once, on the default flavor: they never touch the state store (the same
 * in either flavor), or test the package and CLI as a user installs them (package-install).
 */
const STORELESS = [
  'kinesis',
  'send',
  'target-servers',
  'target-servers-lifecycle',
  'private-checkout',
  'package-install',
];

/** The integration tests against the real local stack, on the store flavor `env` names. */
function integration(name: string, env: Record<string, string>, groupOrder = 0) {
  const flavored = Object.keys(env).length > 0;
  return {
    test: {
      name,
      // The handler's EMF metrics would flood the output; the tests read the figures directly.
      env: { POWERTOOLS_METRICS_DISABLED: 'true', ...env },
      include: ['test/integration/**/*.test.ts'],
      exclude: flavored ? STORELESS.map((file) => `test/integration/${file}.test.ts`) : [],
      environment: 'node',
      // Starts (or finds) the real local stack once for the whole run.
      globalSetup: ['test/integration/global-setup.ts'],
      // One Cassandra on two cores: files run one after another.
      fileParallelism: false,
      sequence: { groupOrder },
      testTimeout: 120_000,
      hookTimeout: 600_000,
    },
  };
}

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          // Some tests import the engine, the driver and Powertools cold inside the test: seconds
          // on a busy 2-core machine. A timeout is a hang detector here, never a speed check.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'cdk',
          include: ['test/cdk/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
        },
      },
      integration('integration', {}),
      // The same tests on a node that behaves as Amazon Keyspaces (docs/keyspaces-mode.md), in
      // a group of their own (never beside the others): one Cassandra at work at a time.
      integration('integration-keyspaces', { CASSFLOW_STORE_FLAVOR: 'keyspaces' }, 1),
    ],
  },
});
