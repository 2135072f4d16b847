import type { MetricsBoard, MetricView } from '../emulator/metrics/metrics-board.ts';
import type { RunningPipeline } from '../emulator/runtime/runtime.ts';
import { statusOf } from '../emulator/runtime/status-line.ts';

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
    pipelines: pipelines.map((p) => {
      // The same figures `cassflow run --json` reports.
      const { pipeline: name, ...figures } = statusOf(p);
      return {
        name,
        kind: p.pipeline.kind,
        stream: p.stream,
        ...figures,
        metrics: board.view(name, nowMs),
      };
    }),
    jobs: board
      .services()
      .filter((name) => !names.has(name))
      .map((name) => ({ name, metrics: board.view(name, nowMs) })),
  };
}
