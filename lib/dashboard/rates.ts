import type { MetricView } from '../emulator/metrics/metrics-board.ts';

type Metrics = Record<string, MetricView>;

/** A pipeline's rates, worked out once for the page and `cassflow top`. */
export type PipelineRates = {
  /** Records read from the stream, and processed by the function, per second over 10 s. */
  readPerSecond: number;
  processedPerSecond: number;
  /** Over the last minute. */
  batchSize: { mean: number; max: number };
  durationMs: { mean: number; max: number };
  invocationsPerMinute: number;
  errorsPerMinute: number;
  deadLettersPerMinute: number;
  latePerMinute: number;
  casRetriesPerMinute: number;
  /** Compare-and-sets retried, as a share of the row writes tried (0 to 1). */
  casRetryShare: number;
  /** Wall clock minus the watermark, at the last batch (ms), or null before one. */
  watermarkLagMs: number | null;
  /** The largest iterator age of the last minute's batches (ms). */
  iteratorAgeMs: number;
};

/** A sync job's rates over the last minute, and when it last emitted (epoch ms). */
export type JobRates = {
  rowsReadPerMinute: number;
  rowsWrittenPerMinute: number;
  rejectedPerMinute: number;
  pagesPerMinute: number;
  lastRunAt: number | null;
};

const minute = (m: Metrics, name: string) => m[name]?.lastMinute.sum ?? 0;
const perSecond = (m: Metrics, name: string, seconds: number) =>
  (m[name]?.perSecond.slice(-seconds).reduce((a, b) => a + b, 0) ?? 0) / seconds;
const meanAndMax = (m: Metrics, name: string) => {
  const last = m[name]?.lastMinute;
  return { mean: last?.count ? last.sum / last.count : 0, max: last?.max ?? 0 };
};

export function pipelineRates(m: Metrics): PipelineRates {
  const retried = minute(m, 'CasRetries');
  const tried = minute(m, 'RowsWritten') + retried;
  const lag = m.WatermarkLag?.lastMinute;
  return {
    readPerSecond: perSecond(m, 'RecordsRead', 10),
    processedPerSecond: perSecond(m, 'RecordsIn', 10),
    batchSize: meanAndMax(m, 'BatchSize'),
    durationMs: meanAndMax(m, 'Duration'),
    invocationsPerMinute: minute(m, 'Invocations'),
    errorsPerMinute: minute(m, 'Errors'),
    deadLettersPerMinute: minute(m, 'DeadLettered'),
    latePerMinute: minute(m, 'LateEvents'),
    casRetriesPerMinute: retried,
    casRetryShare: tried > 0 ? retried / tried : 0,
    watermarkLagMs: lag?.count ? (m.WatermarkLag?.last ?? lag.max) : null,
    iteratorAgeMs: m.IteratorAge?.lastMinute.max ?? 0,
  };
}

export function jobRates(m: Metrics): JobRates {
  return {
    rowsReadPerMinute: minute(m, 'RowsRead'),
    rowsWrittenPerMinute: minute(m, 'RowsWritten'),
    rejectedPerMinute: minute(m, 'RowsRejected'),
    pagesPerMinute: minute(m, 'Pages'),
    lastRunAt: m.Pages?.lastAt ?? null,
  };
}
