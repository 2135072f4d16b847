import type { ShardStats } from '../emulator/event-source/stats.ts';
import type { MetricsBoard, MetricView } from '../emulator/metrics/metrics-board.ts';
import type { RunningPipeline } from '../emulator/runtime/runtime.ts';
import { type PipelineStatus, statusOf } from '../emulator/runtime/status-line.ts';
import type { AnyPipeline } from '../pipeline/any-pipeline.ts';
import { syncJobsOf } from '../sync/sync-jobs.ts';
import { type ChartSeries, chartSeries } from './chart-series.ts';
import type { PipelineStoreFigures, StoredShard } from './pipeline-store-figures.ts';
import { type JobRates, jobRates, type PipelineRates, pipelineRates } from './rates.ts';
import type { StackFigures, Unreadable } from './stack-watcher.ts';
import type { SyncJobFigures } from './sync-job-figures.ts';

/** What a shard's reader sees now, and its rates over the last 10 s and minute. */
export type LiveShard = ShardStats & {
  readPerSecond: number;
  invocationsPerMinute: number;
  durationMs: { mean: number; max: number };
};

/** A shard: what the store has of it and, under `cassflow run`, what its reader sees now. */
export type ShardSnapshot = StoredShard & { live?: LiveShard };

/** One pipeline, as the dashboard and `cassflow top` show it. */
export type PipelineSnapshot = {
  name: string;
  kind: 'aggregation' | 'sink';
  stream: string;
  /** Its windows' names (none for a sink), for the window browser. */
  windows: string[];
  /** From its event-source mapping and batches; null when this process does not run it. */
  figures: Omit<PipelineStatus, 'pipeline'> | null;
  rates: PipelineRates;
  charts: ChartSeries;
  /** The metrics its function emitted (the names the CloudWatch dashboard uses). */
  metrics: Record<string, MetricView>;
  shards: ShardSnapshot[];
  /** What the store says (null before the first read; an error when it could not be read). */
  store: PipelineStoreFigures | Unreadable | null;
};

export type JobSnapshot = {
  name: string;
  rates: JobRates;
  metrics: Record<string, MetricView>;
  store: SyncJobFigures | Unreadable | null;
};

/** What the dashboard shows at one moment. */
export type DashboardSnapshot = {
  at: string;
  /** 'run': this process runs the functions (live metrics); 'stack': it only reads the store. */
  source: 'run' | 'stack';
  /** When the store was last read (epoch ms). */
  storeAt: number | null;
  pipelines: PipelineSnapshot[];
  jobs: JobSnapshot[];
};

export type SnapshotInputs = {
  /** The pipelines shown: running ones (with their live figures) or ones read from the store. */
  pipelines: readonly (RunningPipeline | AnyPipeline)[];
  board: MetricsBoard;
  stack: StackFigures | undefined;
  nowMs: number;
};

const isRunning = (p: RunningPipeline | AnyPipeline): p is RunningPipeline => 'source' in p;

/** The pipeline's definition, whether it runs here or is only read from the store. */
export const pipelineOf = (p: RunningPipeline | AnyPipeline): AnyPipeline =>
  isRunning(p) ? p.pipeline : p;

export function dashboardSnapshot({
  pipelines,
  board,
  stack,
  nowMs,
}: SnapshotInputs): DashboardSnapshot {
  const specs = pipelines.map(pipelineOf);
  const names = new Set(specs.map((p) => p.name));
  const jobNames = new Set([
    ...syncJobsOf(specs).keys(),
    ...board.services().filter((name) => !names.has(name)),
  ]);
  return {
    at: new Date(nowMs).toISOString(),
    source: pipelines.some(isRunning) ? 'run' : 'stack',
    storeAt: stack?.at ?? null,
    pipelines: pipelines.map((p) => {
      const spec = pipelineOf(p);
      const metrics = board.view(spec.name, nowMs);
      const store = stack?.pipelines[spec.name] ?? null;
      return {
        name: spec.name,
        kind: spec.kind,
        stream: spec.stream,
        windows: spec.kind === 'aggregation' ? spec.windows.map((w) => w.name) : [],
        figures: isRunning(p) ? figuresOf(p) : null,
        rates: pipelineRates(metrics),
        charts: chartSeries(board, spec.name, nowMs),
        metrics,
        shards: shardsOf(store, isRunning(p) ? liveShards(p, nowMs) : {}),
        store,
      };
    }),
    jobs: [...jobNames].sort().map((name) => {
      const metrics = board.view(name, nowMs);
      return { name, rates: jobRates(metrics), metrics, store: stack?.jobs[name] ?? null };
    }),
  };
}

function figuresOf(p: RunningPipeline): Omit<PipelineStatus, 'pipeline'> {
  const { pipeline: _name, ...figures } = statusOf(p);
  return figures;
}

function liveShards(p: RunningPipeline, nowMs: number): Record<string, LiveShard> {
  return Object.fromEntries(
    Object.entries(p.source.stats.shards).map(([shardId, stats]) => {
      const rates = pipelineRates(p.shardMetrics.view(shardId, nowMs));
      return [
        shardId,
        {
          ...stats,
          readPerSecond: rates.readPerSecond,
          invocationsPerMinute: rates.invocationsPerMinute,
          durationMs: rates.durationMs,
        },
      ];
    }),
  );
}

/** The store's shards joined with the live ones (a shard may have either before the other). */
function shardsOf(
  store: PipelineStoreFigures | Unreadable | null,
  live: Record<string, LiveShard>,
): ShardSnapshot[] {
  const shards = new Map<string, ShardSnapshot>();
  if (store && 'shards' in store) for (const s of store.shards) shards.set(s.shardId, { ...s });
  for (const [shardId, stats] of Object.entries(live)) {
    shards.set(shardId, { ...(shards.get(shardId) ?? { shardId }), live: { ...stats } });
  }
  return [...shards.values()].sort((a, b) => a.shardId.localeCompare(b.shardId));
}
