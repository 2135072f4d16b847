import type { CassflowConfig } from '../config/config.ts';
import type { MetricsBoard } from '../emulator/metrics/metrics-board.ts';
import type { RunningPipeline } from '../emulator/runtime/runtime.ts';
import type { AnyPipeline } from '../pipeline/any-pipeline.ts';
import { type DashboardServer, startDashboard } from './dashboard-server.ts';
import { dashboardSnapshot, pipelineOf } from './snapshot.ts';
import { StackWatcher } from './stack-watcher.ts';

export type LiveDashboardOptions = {
  config: CassflowConfig;
  /** Running pipelines (`cassflow run`), or pipelines only read from the store (`cassflow ui`). */
  pipelines: readonly (RunningPipeline | AnyPipeline)[];
  /** The functions' metrics: the runtime's, or an empty board when nothing runs here. */
  board: MetricsBoard;
  port: number;
  /** How often the store is read (default 2 s). */
  storeIntervalMs?: number;
  /** Told after each read of the store (`cassflow ui` derives its rates from it). */
  onStoreRead?: (watcher: StackWatcher) => void;
};

/** The dashboard of a run or of a running stack: the store watched, the page served. */
export async function startLiveDashboard(options: LiveDashboardOptions): Promise<DashboardServer> {
  const specs = options.pipelines.map(pipelineOf);
  const watcher = new StackWatcher(options.config, specs, options.storeIntervalMs, () =>
    options.onStoreRead?.(watcher),
  );
  // Not awaited: the page is up at once; the store's figures follow with its first read.
  void watcher.start();
  const server = await startDashboard(
    {
      snapshot: () =>
        dashboardSnapshot({
          pipelines: options.pipelines,
          board: options.board,
          stack: watcher.latest,
          nowMs: Date.now(),
        }),
      windows: (pipeline, query) => watcher.windows(pipeline, query),
    },
    { port: options.port },
  ).catch(async (error: unknown) => {
    await watcher.close();
    throw error;
  });
  return {
    url: server.url,
    close: async () => {
      await server.close();
      await watcher.close();
    },
  };
}
