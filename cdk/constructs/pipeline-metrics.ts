import { Duration } from 'aws-cdk-lib';
import { MathExpression, Metric } from 'aws-cdk-lib/aws-cloudwatch';

const PERIOD = Duration.minutes(5);

/**
 * A figure the handlers publish with Powertools (namespace cassflow, dimension service = the
 * pipeline or sync job's name): RecordsIn, RowsWritten, CasRetries, LateEvents, DeadLettered,
 * RowsFailed, WatermarkLag; for sync RowsRead, RowsWritten, RowsRejected, Pages, PassesFinished.
 */
export function cassflowMetric(service: string, name: string, statistic = 'Sum'): Metric {
  return new Metric({
    namespace: 'cassflow',
    metricName: name,
    dimensionsMap: { service },
    statistic,
    period: PERIOD,
  });
}

/** Conditional-write retries per 100 rows written: contention on window rows. */
export function casRetryRate(pipeline: string): MathExpression {
  return new MathExpression({
    expression: 'IF(written > 0, 100 * retries / written, 0)',
    usingMetrics: {
      retries: cassflowMetric(pipeline, 'CasRetries'),
      written: cassflowMetric(pipeline, 'RowsWritten'),
    },
    label: 'CAS retries per 100 rows',
    period: PERIOD,
  });
}
