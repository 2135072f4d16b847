import type { Pipeline } from '../pipeline/spec.ts';
import { type CloserRun, closeDueWindows } from './closer.ts';
import type { EnginePorts, EngineSettings } from './ports.ts';

/** A closer run going on in this container, and whether a batch asked for another after it. */
type Running = { again: boolean };

const running = new WeakMap<object, Running>();

/**
 * Closes due windows after a batch, one run at a time per container (per `ports`). A batch that
 * finishes while this container's closer is already running does not start a second run over the
 * same windows (which doubled the work at every window boundary when shards share a container, as
 * they do locally); it asks the running one to go once more, and returns undefined. The run that
 * goes again starts after the request, so every batch's watermark is still closed up to, as if it
 * had run its own. The tick calls closeDueWindows directly: it is the backstop for quiet streams.
 */
export async function closeAfterBatch(
  pipeline: Pipeline,
  ports: EnginePorts,
  settings: EngineSettings,
): Promise<CloserRun | undefined> {
  const key = ports.watermarks;
  const current = running.get(key);
  if (current) {
    current.again = true;
    return undefined;
  }
  const mine: Running = { again: false };
  running.set(key, mine);
  try {
    let run = await closeDueWindows(pipeline, ports, settings);
    while (mine.again && run.complete) {
      mine.again = false;
      run = combine(run, await closeDueWindows(pipeline, ports, settings));
    }
    return run;
  } finally {
    running.delete(key);
  }
}

function combine(first: CloserRun, next: CloserRun): CloserRun {
  return {
    watermark: next.watermark,
    finalized: first.finalized + next.finalized,
    visited: first.visited + next.visited,
    casRetries: first.casRetries + next.casRetries,
    complete: next.complete,
    claimRetries: first.claimRetries + next.claimRetries,
  };
}
