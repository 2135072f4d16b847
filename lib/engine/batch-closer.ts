import type { Pipeline } from '../pipeline/spec.ts';
import { type CloserRun, closeDueWindows } from './closer.ts';
import type { EnginePorts, EngineSettings } from './ports.ts';

/** A closer run going on in this container, and whether a batch asked for another after it. */
type Running = { again: boolean };

const running = new WeakMap<object, Running>();
/**
 * Runs the batch that owns the closer makes for the others at most, so that its own shard is not
 * held up for long while other shards keep finishing batches; a request past that is taken up by
 * the next batch's closer (or the tick), as an incomplete or failed run's is.
 */
const MAX_RERUNS = 2;

/**
 * Closes due windows after a batch, one run at a time per container (per `ports`). A batch that
 * finishes while this container's closer is already running does not start a second run over the
 * same windows (which multiplied the work at every window boundary when several shards' batches
 * share one handler in one process: the bench, the demo, an in-process runtime); it asks the
 * running one to go once more, and returns undefined. The run that goes again starts after the
 * request, so it closes up to that batch's watermark. On Lambda a container runs one invocation
 * at a time, so this never coalesces there. The tick calls closeDueWindows directly.
 *
 * Each run makes at most `maxClosesPerBatch` windows final, unless the closer trails its claim by
 * more than `maxCloserLagMs` (closer.ts): a boundary's windows are closed over the next few
 * batches instead of all after one (which held that batch, and the node, for seconds), and when
 * that is not enough to keep up, runs go to `maxClosesPerRun` as the tick's do.
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
  const budget = { closes: settings.maxClosesPerBatch, unlessBehindMs: settings.maxCloserLagMs };
  try {
    let run = await closeDueWindows(pipeline, ports, settings, budget);
    for (let reruns = 0; mine.again && run.complete && reruns < MAX_RERUNS; reruns++) {
      mine.again = false;
      run = combine(run, await closeDueWindows(pipeline, ports, settings, budget));
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
