import { type EmfLine, emfPoints } from './emf-points.ts';
import { RollingSeries, type SecondBucket } from './rolling-series.ts';

/** One metric of one function over the recent past, as the dashboard and `cassflow top` show it. */
export type MetricView = {
  unit: string;
  /** Over the last minute: how many values, their sum, the largest. */
  lastMinute: { count: number; sum: number; max: number };
  /** The sum of each of the last `seconds` seconds, oldest first. */
  perSecond: number[];
  /** The newest value, and when it came (epoch ms); null before any. */
  last: number | null;
  lastAt: number | null;
};

/**
 * The metrics the local functions emit, as Powertools writes them for CloudWatch (the same names
 * and the `service` dimension the deployed dashboard and alarms use), kept as rolling series per
 * function and metric.
 */
export class MetricsBoard {
  readonly #series = new Map<string, Map<string, { unit: string; series: RollingSeries }>>();
  readonly #seconds: number;
  readonly #empty: RollingSeries;

  constructor(seconds = 300) {
    this.#seconds = seconds;
    this.#empty = new RollingSeries(seconds);
  }

  /** Takes one EMF line: its points go to the series of its `service` (the function). */
  record(line: EmfLine): void {
    for (const point of emfPoints(line)) {
      this.add(
        point.dimensions.service ?? '(no service)',
        point.name,
        point.unit,
        point.time,
        point.value,
      );
    }
  }

  /** One value of a metric of `service` at `timeMs` (what the runtime itself measures). */
  add(service: string, name: string, unit: string, timeMs: number, value: number): void {
    let metrics = this.#series.get(service);
    if (!metrics) {
      metrics = new Map();
      this.#series.set(service, metrics);
    }
    let entry = metrics.get(name);
    if (!entry) {
      entry = { unit, series: new RollingSeries(this.#seconds) };
      metrics.set(name, entry);
    }
    entry.series.add(timeMs, value);
  }

  /** The functions that have emitted anything. */
  services(): string[] {
    return [...this.#series.keys()].sort();
  }

  /** One metric's last `seconds` seconds up to `nowMs`, a bucket per second, oldest first. */
  seconds(service: string, name: string, nowMs: number, seconds: number): SecondBucket[] {
    // A metric not emitted yet reads as an empty series: zeros, as many seconds as any other.
    const series = this.#series.get(service)?.get(name)?.series ?? this.#empty;
    return series.window(nowMs, seconds);
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
          last: series.latest?.value ?? null,
          lastAt: series.latest?.timeMs ?? null,
        },
      ]),
    );
  }
}
