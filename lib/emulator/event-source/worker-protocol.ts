/** What the parent tells a new execution environment (isolated-function.ts → function-worker.ts). */
export type WorkerInit = {
  modulePath: string;
  handler: string;
  functionName: string;
  region: string;
};
export type InvokeRequest = { id: number; event: unknown; timeoutMs: number };
export type InvokeReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { name: string; message: string } };
/** Posted once the module is loaded: Lambda's init phase is over. */
export const READY = 'ready';
