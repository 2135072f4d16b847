import type { MetricsBoard, MetricView } from '../emulator/metrics/metrics-board.ts';
import type { RunningPipeline } from '../emulator/runtime/runtime.ts';

/** One pipeline of a local run, as the dashboard and `cassflow top` show it. */
export type PipelineSnapshot = {
  name: string;
  kind: 'aggregation' | 'sink';
  stream: string;
  /** From the event-source mapping: what Lambda's mapping would count. */
  records: number;
  invocations: number;
  retries: number;
  splits: number;
  discarded: number;
  /** From the function's batches. */
  deadLettered: number;
  filtered: number;
  late: number;
  /** The metrics its function emitted (the names the CloudWatch dashboard uses). */
  metrics: Record<string, MetricView>;
};

/** What a local run shows at one moment. */
export type DashboardSnapshot = {
  at: string;
  pipelines: PipelineSnapshot[];
  /** Other functions that emitted metrics: the sync jobs. */
  jobs: { name: string; metrics: Record<string, MetricView> }[];
};

/** The run as of `nowMs`: each pipeline's figures and metrics, then the sync jobs' metrics. */
export function dashboardSnapshot(
  pipelines: readonly RunningPipeline[],
  board: MetricsBoard,
  nowMs: number,
): DashboardSnapshot {
  const names = new Set(pipelines.map((p) => p.pipeline.name));
  return {
    at: new Date(nowMs).toISOString(),
    pipelines: pipelines.map((p) => ({
      name: p.pipeline.name,
      kind: p.pipeline.kind,
      stream: p.stream,
      records: p.source.stats.records,
      invocations: p.source.stats.invocations,
      retries: p.source.stats.retries,
      splits: p.source.stats.bisections,
      discarded: p.source.stats.discarded,
      deadLettered: p.figures.deadLettered,
      filtered: p.figures.filtered,
      late: p.figures.late,
      metrics: board.view(p.pipeline.name, nowMs),
    })),
    jobs: board
      .services()
      .filter((name) => !names.has(name))
      .map((name) => ({ name, metrics: board.view(name, nowMs) })),
  };
}
