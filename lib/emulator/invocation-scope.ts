import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * One local invocation, as the code it runs sees it: stopped once its timeout passed. Lambda
 * stops a timed-out invocation (its sandbox is frozen and reset), so it never sends another
 * request; locally the handler cannot be frozen, so what it sends goes through `guardedClient`,
 * which refuses once the invocation it belongs to is stopped.
 */
export type InvocationScope = { stopped: boolean };

const current = new AsyncLocalStorage<InvocationScope>();

/** Runs `fn` as one invocation; `scope.stopped` is what the timeout sets. */
export function runInvocation<T>(scope: InvocationScope, fn: () => Promise<T>): Promise<T> {
  return current.run(scope, fn);
}

/** The invocation the calling code belongs to, if any. */
export function currentInvocation(): InvocationScope | undefined {
  return current.getStore();
}

/** A request of an invocation that had already been stopped at its timeout. */
export class InvocationStoppedError extends Error {
  constructor() {
    super('the invocation was stopped at its timeout, as Lambda stops it');
    this.name = 'InvocationStoppedError';
  }
}
