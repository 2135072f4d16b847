import { Worker } from 'node:worker_threads';
import type { InvokeReply, InvokeRequest, WorkerInit } from './function-worker.ts';

/** A handler in a module of its own, run the way Lambda runs it: in execution environments. */
export type IsolatedFunctionSpec = {
  /** Absolute path of the module (.js, .mjs or .ts Node can load). */
  modulePath: string;
  /** Its exported handler's name (Lambda's `index.handler` is `handler`). */
  handler: string;
  /** The function's environment variables, on top of this process's. */
  env?: Record<string, string>;
};

const WORKER = new URL('./function-worker.ts', import.meta.url);

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
  private readonly idle: Worker[] = [];
  private readonly busy = new Set<Worker>();
  private nextId = 0;

  constructor(spec: IsolatedFunctionSpec, functionName: string, region: string) {
    this.spec = spec;
    this.functionName = functionName;
    this.region = region;
  }

  /**
   * Runs one invocation. `stop()` ends it at once by terminating its environment; the promise
   * then rejects.
   */
  invoke(event: unknown, timeoutMs: number): { result: Promise<unknown>; stop(): Promise<void> } {
    const worker = this.idle.pop() ?? this.start();
    this.busy.add(worker);
    const id = this.nextId++;
    const result = new Promise<unknown>((resolve, reject) => {
      const onMessage = (reply: InvokeReply) => {
        if (reply.id !== id) return;
        settle();
        this.busy.delete(worker);
        this.idle.push(worker);
        if (reply.ok) resolve(reply.result);
        else reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
      };
      // A module that fails to load, or a crash, ends the environment: Lambda's Runtime errors.
      const onError = (error: Error) => {
        settle();
        this.discard(worker);
        reject(new Error(`${this.describe()} failed: ${error.message}`));
      };
      const onExit = (code: number) => {
        settle();
        this.discard(worker);
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
    return {
      result,
      stop: async () => {
        this.discard(worker);
        await worker.terminate();
      },
    };
  }

  /** Terminates every environment. */
  async close(): Promise<void> {
    const all = [...this.idle, ...this.busy];
    this.idle.length = 0;
    this.busy.clear();
    await Promise.all(all.map((w) => w.terminate()));
  }

  private start(): Worker {
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
    // An idle environment that dies (a crash between invocations) is never handed out again.
    worker.once('exit', () => this.discard(worker));
    return worker;
  }

  private discard(worker: Worker): void {
    this.busy.delete(worker);
    const at = this.idle.indexOf(worker);
    if (at >= 0) this.idle.splice(at, 1);
  }

  private describe(): string {
    return `the execution environment of ${this.functionName} (${this.spec.modulePath}, ${this.spec.handler})`;
  }
}
