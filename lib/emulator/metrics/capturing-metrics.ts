import { Metrics } from '@aws-lambda-powertools/metrics';
import type { EmfLine } from './emf-points.ts';

type MetricsOptions = ConstructorParameters<typeof Metrics>[0];

/**
 * Powertools' Metrics, but each flush hands its EMF line (exactly what Lambda would print for
 * CloudWatch) to `sink` instead of stdout: the local runtime keeps them for the dashboard.
 */
export class CapturingMetrics extends Metrics {
  readonly #sink: (line: EmfLine) => void;

  constructor(options: MetricsOptions, sink: (line: EmfLine) => void) {
    super(options);
    this.#sink = sink;
  }

  override publishStoredMetrics(): this {
    try {
      if (this.hasStoredMetrics()) this.#sink(this.serializeMetrics() as EmfLine);
    } finally {
      this.clearMetrics();
      this.clearDimensions();
      this.clearMetadata();
    }
    return this;
  }
}
