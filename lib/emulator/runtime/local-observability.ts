import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * A function's Powertools logger at `logLevel` (so a local run shows the runtime's own lines
 * rather than one JSON line per invocation) and metrics that stay quiet: locally the EMF lines go
 * nowhere, and neither should their warnings (e.g. "no metrics to publish").
 */
export function localObservability(name: string, logLevel: string) {
  const quiet = () => undefined;
  return {
    logger: new Logger({ serviceName: `cassflow-${name}`, logLevel: logLevel as 'WARN' }),
    metrics: new Metrics({
      namespace: 'cassflow',
      serviceName: name,
      logger: { debug: quiet, info: quiet, warn: quiet, error: console.error },
    }),
  };
}
