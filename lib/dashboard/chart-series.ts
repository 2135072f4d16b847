import type { MetricsBoard } from '../emulator/metrics/metrics-board.ts';

/** Seconds of history the charts show. */
export const CHART_SECONDS = 300;

/** A pipeline's per-second series for the page's charts, oldest first, one value per second. */
export type ChartSeries = {
  /** The epoch second of each series' first value. */
  start: number;
  read: number[];
  processed: number[];
  deadLetters: number[];
  late: number[];
  casRetries: number[];
  /** Mean invocation duration in each second (null: no invocation ended in it). */
  durationMs: (number | null)[];
  batchSize: (number | null)[];
  iteratorAgeMs: (number | null)[];
};

export function chartSeries(board: MetricsBoard, service: string, nowMs: number): ChartSeries {
  const seconds = (name: string) => board.seconds(service, name, nowMs, CHART_SECONDS);
  const sums = (name: string) => seconds(name).map((b) => b.sum);
  const means = (name: string) => seconds(name).map((b) => (b.count > 0 ? b.sum / b.count : null));
  return {
    start: Math.floor(nowMs / 1000) - CHART_SECONDS + 1,
    read: sums('RecordsRead'),
    processed: sums('RecordsIn'),
    deadLetters: sums('DeadLettered'),
    late: sums('LateEvents'),
    casRetries: sums('CasRetries'),
    durationMs: means('Duration'),
    batchSize: means('BatchSize'),
    iteratorAgeMs: seconds('IteratorAge').map((b) => (b.count > 0 ? b.max : null)),
  };
}
