/** One value of one metric, as an Embedded Metric Format line carries it. */
export type MetricPoint = {
  name: string;
  unit: string;
  value: number;
  /** Epoch ms, the line's `_aws.Timestamp`. */
  time: number;
  /** The line's dimensions by name (`service`: the pipeline or job). */
  dimensions: Readonly<Record<string, string>>;
};

/** The part of an EMF line cassflow reads: what Powertools' serializeMetrics() returns. */
export type EmfLine = {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: readonly {
      Namespace: string;
      Dimensions: readonly (readonly string[])[];
      Metrics: readonly { Name: string; Unit?: string }[];
    }[];
  };
  [field: string]: unknown;
};

/**
 * The points of one EMF line: each declared metric's value (or each of its values: a metric
 * added twice in one invocation is an array), with the line's dimensions. Anything that is not
 * a finite number is left out, as CloudWatch would drop it.
 */
export function emfPoints(line: EmfLine): MetricPoint[] {
  const points: MetricPoint[] = [];
  for (const directive of line._aws.CloudWatchMetrics) {
    const dimensions: Record<string, string> = {};
    for (const name of directive.Dimensions.flat()) {
      const value = line[name];
      if (typeof value === 'string') dimensions[name] = value;
    }
    for (const metric of directive.Metrics) {
      const raw = line[metric.Name];
      for (const value of Array.isArray(raw) ? raw : [raw]) {
        if (typeof value !== 'number' || !Number.isFinite(value)) continue;
        points.push({
          name: metric.Name,
          unit: metric.Unit ?? 'None',
          value,
          time: line._aws.Timestamp,
          dimensions,
        });
      }
    }
  }
  return points;
}
