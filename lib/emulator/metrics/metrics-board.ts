import { type EmfLine, emfPoints } from './emf-points.ts';
import { RollingSeries } from './rolling-series.ts';

/** One metric of one function over the recent past, as the dashboard and `cassflow top` show it. */
export type MetricView = {
  unit: string;
  /** Over the last minute: how many values, their sum, the largest. */
  lastMinute: { count: number; sum: number; max: number };
  /** The sum of each of the last `seconds` seconds, oldest first. */
  perSecond: number[];
};

/**
 * The metrics the local functions emit, as Powertools writes them for CloudWatch (the same names
 * and the `service` dimension the deployed dashboard and alarms use), kept as rolling series per
 * function and metric.
 */
export class MetricsBoard {
  readonly #series = new Map<string, Map<string, { unit: string; series: RollingSeries }>>();
  readonly #seconds: number;

  constructor(seconds = 300) {
    this.#seconds = seconds;
  }

  /** Takes one EMF line: its points go to the series of its `service` (the function). */
  record(line: EmfLine): void {
    for (const point of emfPoints(line)) {
      const service = point.dimensions.service ?? '(no service)';
      let metrics = this.#series.get(service);
      if (!metrics) {
        metrics = new Map();
        this.#series.set(service, metrics);
      }
      let entry = metrics.get(point.name);
      if (!entry) {
        entry = { unit: point.unit, series: new RollingSeries(this.#seconds) };
        metrics.set(point.name, entry);
      }
      entry.series.add(point.time, point.value);
    }
  }

  /** The functions that have emitted anything. */
  services(): string[] {
    return [...this.#series.keys()].sort();
  }

  /** Every metric of `service` as of `nowMs`, with the last `seconds` seconds per second. */
  view(service: string, nowMs: number, seconds = 60): Record<string, MetricView> {
    const metrics = this.#series.get(service);
    if (!metrics) return {};
    return Object.fromEntries(
      [...metrics].map(([name, { unit, series }]) => [
        name,
        {
          unit,
          lastMinute: series.total(nowMs, 60),
          perSecond: series.window(nowMs, seconds).map((b) => b.sum),
        },
      ]),
    );
  }
}
