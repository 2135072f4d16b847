import type { TestProject } from 'vitest/node';
import { resolveConfig } from '#lib/config/config';
import { localDown, localUp, startedServices } from '#lib/local/stack';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A keyspace of this run's own, so runs never see each other's rows. */
    keyspace: string;
  }
}

/**
 * Brings up the local stack with the same code as `cassflow local up`, and stops afterwards only
 * what it started (a stack the developer already had running stays up).
 */
export default async function setup(project: TestProject) {
  // The project's own settings (the Keyspaces flavor) as its test workers will see them.
  const env = { ...process.env, ...project.config.env };
  const config = resolveConfig(env);
  const label =
    config.local.cassandra.flavor === 'keyspaces' ? 'local stack, Keyspaces mode' : 'local stack';
  const stack = await localUp(config, env, (line) => console.log(`[${label}] ${line}`));
  project.provide('keyspace', `cassflow_it_${Date.now().toString(36)}`);
  return async () => {
    const started = startedServices(stack);
    if (Object.keys(started).length > 0) await localDown(config, started);
  };
}
