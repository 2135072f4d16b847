import type { SideOutputs } from '../store/side-outputs.ts';
import type { WatermarkStore } from '../store/watermark-store.ts';
import type { WindowIndex } from '../store/window-index.ts';
import type { WindowRowStore } from '../store/window-rows.ts';
import type { RetrySettings } from './compare-and-set.ts';
import type { RowCache } from './row-cache.ts';

/** Everything the engine reads and writes, as interfaces (Cassandra in production and tests). */
export type EnginePorts = {
  rows: WindowRowStore;
  index: WindowIndex;
  watermarks: WatermarkStore;
  sideOutputs: SideOutputs;
  /** The rows this container's compare-and-sets wrote, so steady-state updates skip the read. */
  rowCache?: RowCache;
};

/** A shard of the stream, as the tick sees it. */
export type StreamShard = { shardId: string; parentIds: readonly string[]; ended: boolean };

/** What the tick asks the stream (Kinesis in production, a model in tests). */
export interface ShardSource {
  listShards(): Promise<StreamShard[]>;
  /**
   * True when nothing is left to read on the shard after `position` (the last record its batches
   * finished), or, with no position, from where the event source starts (cassflow's starts at
   * TRIM_HORIZON). False whenever unsure: a shard is only idle when this says so.
   */
  nothingToRead(shardId: string, position: bigint | undefined): Promise<boolean>;
}

export type EngineSettings = {
  retry: RetrySettings;
  /** Row updates in flight at once per batch. */
  concurrency: number;
  /** Windows the closer makes final per invocation at most; the rest wait for the next. */
  maxClosesPerRun: number;
  /**
   * The same after a batch (batch-closer.ts), while the closer keeps up: the windows a boundary
   * makes due are closed over several batches instead of holding up one.
   */
  maxClosesPerBatch: number;
  /**
   * How far (event time) the closer's `done` may trail its claim before a closer after a batch
   * runs to `maxClosesPerRun`, so that the budget never lets closing fall behind for good.
   */
  maxCloserLagMs: number;
  now: () => number;
};
