import type { SideOutputs } from '../store/side-outputs.ts';
import type { WatermarkStore } from '../store/watermark-store.ts';
import type { WindowIndex } from '../store/window-index.ts';
import type { WindowRowStore } from '../store/window-rows.ts';
import type { WriteHolds } from '../store/write-holds.ts';
import type { RetrySettings } from './compare-and-set.ts';

/** Everything the engine reads and writes, as interfaces (Cassandra in production and tests). */
export type EnginePorts = {
  rows: WindowRowStore;
  index: WindowIndex;
  watermarks: WatermarkStore;
  holds: WriteHolds;
  sideOutputs: SideOutputs;
};

export type EngineSettings = {
  retry: RetrySettings;
  /** Row updates in flight at once per batch. */
  concurrency: number;
  /** Windows the closer makes final per invocation at most; the rest wait for the next. */
  maxClosesPerRun: number;
  /**
   * How long a batch's write hold lasts if the batch dies without letting go: past the
   * invocation's end and any write still in flight (the handler sets it from the Lambda context).
   */
  holdMs: number;
  now: () => number;
};
