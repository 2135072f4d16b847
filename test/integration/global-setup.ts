import type { TestProject } from 'vitest/node';
import { resolveConfig } from '#lib/config/config';
import { localDown, localUp, startedServices } from '#lib/stack/stack';
import { dropRunKeyspaces } from '../helpers/drop-run-keyspaces.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A keyspace of this run's own, so runs never see each other's rows. */
    keyspace: string;
  }
}

/**
 * Brings up the local stack with the same code as `cassflow local up`, and stops afterwards only
 * what it started (a stack the developer already had running stays up). The run's keyspaces are
 * dropped at the end unless CASSFLOW_KEEP_TEST_KEYSPACES=1 (to look at a failed run's rows).
 */
export default async function setup(project: TestProject) {
  // The project's own settings (the Keyspaces flavor) as its test workers will see them.
  const env = { ...process.env, ...project.config.env };
  const config = resolveConfig(env);
  const label =
    config.local.cassandra.flavor === 'keyspaces' ? 'local stack, Keyspaces mode' : 'local stack';
  const stack = await localUp(config, env, (line) => console.log(`[${label}] ${line}`));
  const keyspace = `cassflow_it_${Date.now().toString(36)}`;
  project.provide('keyspace', keyspace);
  return async () => {
    if (env.CASSFLOW_KEEP_TEST_KEYSPACES !== '1') {
      await dropRunKeyspaces(config.cassandra, keyspace).catch((error: unknown) => {
        console.warn(`[${label}] could not drop this run's keyspaces ${keyspace}*: ${error}`);
      });
    }
    const started = startedServices(stack);
    if (Object.keys(started).length > 0) await localDown(config, started);
  };
}
