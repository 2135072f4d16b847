import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { CapturingMetrics } from '../metrics/capturing-metrics.ts';
import type { EmfLine } from '../metrics/emf-points.ts';

/**
 * A function's Powertools logger at `logLevel` (so a local run shows the runtime's own lines
 * rather than one JSON line per invocation) and its metrics: each flush's EMF line, the one Lambda
 * would print for CloudWatch, goes to `onMetrics` (the runtime's MetricsBoard) instead of stdout.
 * Their warnings (e.g. "no metrics to publish") stay quiet.
 */
export function localObservability(
  name: string,
  logLevel: string,
  onMetrics?: (line: EmfLine) => void,
) {
  const quiet = () => undefined;
  const options = {
    namespace: 'cassflow',
    serviceName: name,
    logger: { debug: quiet, info: quiet, warn: quiet, error: console.error },
  };
  return {
    logger: new Logger({ serviceName: `cassflow-${name}`, logLevel: logLevel as 'WARN' }),
    metrics: onMetrics ? new CapturingMetrics(options, onMetrics) : new Metrics(options),
  };
}
