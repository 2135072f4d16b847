import { setTimeout as sleep } from 'node:timers/promises';
import type { ArrayOrObject, Client, QueryOptions } from 'cassandra-driver';
import type { CqlClient } from '../store/session.ts';
import { currentInvocation, InvocationStoppedError } from './invocation-scope.ts';

/**
 * Faults the local runtime can add for tests. `lateWritesMs`: every request waits up to this long
 * (at random) before it is sent, and is sent even if its invocation is stopped meanwhile, so the
 * writes of a timed-out invocation land after its retry has begun, as a slow network would have
 * them land.
 */
export type LocalFaults = { lateWritesMs?: number };

/**
 * The Cassandra client as an invocation's code sees it: a request from an invocation stopped at
 * its timeout is refused, as Lambda would never have sent it. Requests outside any invocation
 * (the runtime's own) pass.
 */
export function guardedClient(client: CqlClient, faults: LocalFaults = {}): CqlClient {
  const guard = async <T>(send: () => Promise<T>): Promise<T> => {
    const scope = currentInvocation();
    if (scope?.stopped) throw new InvocationStoppedError();
    if (faults.lateWritesMs) await sleep(Math.random() * faults.lateWritesMs);
    return send();
  };
  const execute = (query: string, params?: ArrayOrObject, options?: QueryOptions) =>
    guard(() => client.execute(query, params, options));
  const batch = (queries: Parameters<Client['batch']>[0], options?: QueryOptions) =>
    guard(() => client.batch(queries, options));
  return {
    execute: execute as unknown as CqlClient['execute'],
    batch: batch as unknown as CqlClient['batch'],
    shutdown: () => client.shutdown(),
  };
}
