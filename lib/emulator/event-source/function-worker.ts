import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { createLocalContext } from '../lambda-context.ts';
import { type InvokeReply, type InvokeRequest, READY, type WorkerInit } from './worker-protocol.ts';

// One Lambda execution environment: the module is loaded once (the cold start), then each
// message is one invocation. The parent terminates the thread when an invocation times out.
const init = workerData as WorkerInit;
const port = parentPort;
if (!port) throw new Error('function-worker.ts runs only as a worker thread');
const loaded = (await import(pathToFileURL(init.modulePath).href)) as Record<string, unknown>;
const handler = loaded[init.handler];
if (typeof handler !== 'function') {
  throw new Error(`${init.modulePath} has no exported function named ${init.handler}`);
}
port.postMessage(READY);
port.on('message', async (request: InvokeRequest) => {
  const context = createLocalContext(init.functionName, request.timeoutMs, {
    region: init.region,
  });
  try {
    const result = await handler(request.event, context);
    port.postMessage({ id: request.id, ok: true, result } satisfies InvokeReply);
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    port.postMessage({
      id: request.id,
      ok: false,
      error: { name: failure.name, message: failure.message },
    } satisfies InvokeReply);
  }
});
