import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { type InvokeReply, type InvokeRequest, READY, type WorkerInit } from './worker-protocol.ts';

/** A handler in a module of its own, run the way Lambda runs it: in execution environments. */
export type IsolatedFunctionSpec = {
  /** Absolute path of the module (.js, .mjs or .ts Node can load). */
  modulePath: string;
  /** Its exported handler's name (Lambda's `index.handler` is `handler`). */
  handler: string;
  /** The function's environment variables, on top of this process's. */
  env?: Record<string, string>;
};

/** One invocation in flight. */
export type IsolatedInvocation = {
  /** Settles when the environment has loaded the module: the timeout counts from here. */
  ready: Promise<void>;
  result: Promise<unknown>;
  /** Ends the invocation at once by terminating its environment; `result` then rejects. */
  stop(): Promise<void>;
};

const WORKER = new URL('./function-worker.ts', import.meta.url);
/** Lambda's init phase limit: loading the module does not count against the function timeout. */
const INIT_LIMIT_MS = 10_000;

/** One execution environment; `dead` once stopped or crashed: never handed out again. */
type Environment = { worker: Worker; ready: Promise<void>; dead: boolean };

/**
 * A function whose invocations run in worker threads, one per concurrent invocation as Lambda
 * gives each its own execution environment. A warm environment is reused; one whose invocation
 * timed out is terminated (its timers and pending work never run, as on Lambda) and the next
 * invocation pays a cold start in a new one.
 */
export class IsolatedFunction {
  readonly spec: IsolatedFunctionSpec;
  readonly functionName: string;
  readonly region: string;
  /** Environments started so far: 1 + one per timed-out or crashed invocation, when serial. */
  coldStarts = 0;
  private readonly idle: Environment[] = [];
  private readonly busy = new Set<Environment>();
  private nextId = 0;

  constructor(spec: IsolatedFunctionSpec, functionName: string, region: string) {
    this.spec = spec;
    this.functionName = functionName;
    this.region = region;
  }

  /** Runs one invocation in a warm environment, or in a new one. */
  invoke(event: unknown, timeoutMs: number): IsolatedInvocation {
    const env = this.idle.pop() ?? this.start();
    const { worker } = env;
    this.busy.add(env);
    const id = this.nextId++;
    const result = new Promise<unknown>((resolve, reject) => {
      const onMessage = (reply: InvokeReply | typeof READY) => {
        if (reply === READY || reply.id !== id) return;
        settle();
        if (env.dead) {
          // Stopped at its timeout: a reply that came late is not an answer.
          reject(new Error(`${this.describe()} was stopped before it answered`));
          return;
        }
        this.busy.delete(env);
        this.idle.push(env);
        if (reply.ok) resolve(reply.result);
        else reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
      };
      // A module that fails to load, or a crash, ends the environment: Lambda's Runtime errors.
      const onError = (error: Error) => {
        settle();
        this.discard(env);
        reject(new Error(`${this.describe()} failed: ${error.message}`));
      };
      const onExit = (code: number) => {
        settle();
        this.discard(env);
        reject(new Error(`${this.describe()} exited with code ${code}`));
      };
      const settle = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
    worker.postMessage({ id, event, timeoutMs } satisfies InvokeRequest);
    const stop = async () => {
      this.discard(env);
      await worker.terminate();
    };
    return { ready: env.ready, result, stop };
  }

  /** Terminates every environment. */
  async close(): Promise<void> {
    const all = [...this.idle, ...this.busy];
    this.idle.length = 0;
    this.busy.clear();
    await Promise.all(all.map((e) => e.worker.terminate()));
  }

  private start(): Environment {
    this.coldStarts += 1;
    const init: WorkerInit = {
      modulePath: this.spec.modulePath,
      handler: this.spec.handler,
      functionName: this.functionName,
      region: this.region,
    };
    const worker = new Worker(WORKER, {
      workerData: init,
      env: { ...process.env, ...this.spec.env },
    });
    const env: Environment = { worker, ready: this.initPhase(worker), dead: false };
    env.ready.catch(() => {}); // the invocation that started it sees the failure
    // An environment that crashes between invocations (an error thrown after the handler
    // returned) is reset, as Lambda resets it; unheard, the error would end this process.
    worker.on('error', () => this.discard(env));
    worker.once('exit', () => this.discard(env));
    return env;
  }

  /** Settles when the module is loaded; rejects past Lambda's init limit or if it fails. */
  private async initPhase(worker: Worker): Promise<void> {
    const signal = AbortSignal.timeout(INIT_LIMIT_MS);
    try {
      for (;;) {
        const [message] = await once(worker, 'message', { signal });
        if (message === READY) return;
      }
    } catch (error) {
      if (!signal.aborted) throw error;
      await worker.terminate();
      throw new Error(`${this.describe()} did not load within ${INIT_LIMIT_MS / 1000} s`);
    }
  }

  private discard(env: Environment): void {
    env.dead = true;
    this.busy.delete(env);
    const at = this.idle.indexOf(env);
    if (at >= 0) this.idle.splice(at, 1);
  }

  private describe(): string {
    return `the execution environment of ${this.functionName} (${this.spec.modulePath}, ${this.spec.handler})`;
  }
}
