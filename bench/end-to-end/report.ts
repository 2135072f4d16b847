import type { Ratio } from '../harness.ts';
import { textTable } from '../stats.ts';
import type { CallTimeSummary } from './call-timing.ts';
import type { DeliveryBaseline } from './delivery-baseline.ts';
import type { IngestCeiling } from './ingest-ceiling.ts';
import type { LatencySummary } from './percentile.ts';
import type { RateStepResult } from './rate-step.ts';
import { describeVerdict } from './verdict.ts';

/** A shard's read limit is 2 MB/s: 10,000 events/s of 200 B (the target). */
export const SHARD_READ_LIMIT_EVENTS = 10_000;

/** A rate the ladder did not run, and why. */
export type SkippedRate = { rate: number; why: string };

const n = (v: number) => (Number.isFinite(v) ? Math.round(v).toString() : '–');
const latencyCells = (l: LatencySummary) => [n(l.p50Ms), n(l.p99Ms), `${l.seen}/${l.probes}`];
/** Mean call time (records per call) over the first and the last tenth of the calls. */
const trend = (c: CallTimeSummary) =>
  `${n(c.firstMs)} (${n(c.firstRecords)}) → ${n(c.lastMs)} (${n(c.lastRecords)})`;

/** Throughput per rate (and the rates left out), latency per rate, then the baselines. */
export function reportTables(
  steps: readonly RateStepResult[],
  skipped: readonly SkippedRate[],
  ceiling: IngestCeiling,
  delivery: DeliveryBaseline,
): string {
  const throughput = textTable(
    ['rate/s', 'sent/s', 'processed/s', 'backlog 20–30 s', 'backlog 50–60 s', 'sustained'],
    [
      ...steps.map((s) => [
        n(s.rate),
        n(s.acceptedPerSec),
        n(s.processedPerSec),
        n(s.backlogHalfway),
        n(s.backlogAtEnd),
        describeVerdict(s.verdict),
      ]),
      ...skipped.map(({ rate, why }) => [n(rate), '', '', '', '', `not run: ${why}`]),
    ],
  );
  const callHeader = ['PutRecords ms (recs)', 'GetRecords ms (recs), non-empty'];
  const latency = textTable(
    ['rate/s', 'p50 ms', 'p99 ms', 'probes seen', ...callHeader, 'handler ms (recs)'],
    steps.map((s) => [
      n(s.rate),
      ...latencyCells(s.latency),
      trend(s.putTimes),
      trend(s.getTimes),
      trend(s.invocationTimes),
    ]),
  );
  const baselines = textTable(
    ['baseline (same run)', 'events/s', 'p50 ms', 'p99 ms', 'probes seen', ...callHeader],
    [
      [
        `kinesis-mock ingest ceiling (${ceiling.durationMs / 1000} s, no reader)`,
        n(ceiling.eventsPerSec),
        '',
        '',
        '',
        trend(ceiling.putTimes),
        '',
      ],
      [
        `emulator delivery alone at ${delivery.rate}/s (no Cassandra)`,
        '',
        ...latencyCells(delivery.latency),
        trend(delivery.putTimes),
        trend(delivery.getTimes),
      ],
    ],
  );
  return `${throughput}\n\n${latency}\n\n${baselines}`;
}

/** The highest rate sustained (0 when none was) and the latency, against their baselines. */
export function reportRatios(
  steps: readonly RateStepResult[],
  ceiling: IngestCeiling,
  delivery: DeliveryBaseline,
): Ratio[] {
  const readLimit = SHARD_READ_LIMIT_EVENTS.toLocaleString('en-US');
  const sustained = Math.max(0, ...steps.filter((s) => s.verdict.sustained).map((s) => s.rate));
  const ratios: Ratio[] = [
    {
      name: 'sustained events/s at 1 shard / kinesis-mock ingest ceiling',
      value: sustained / ceiling.eventsPerSec,
    },
    {
      name: `sustained events/s / one shard's read limit (${readLimit} ev/s of 200 B)`,
      value: sustained / SHARD_READ_LIMIT_EVENTS,
      target: 1,
    },
  ];
  const sameRate = steps.find((s) => s.rate === delivery.rate);
  if (sameRate) {
    ratios.push(
      {
        name: `end-to-end p50 latency / emulator delivery p50, at ${delivery.rate} ev/s`,
        value: sameRate.latency.p50Ms / delivery.latency.p50Ms,
      },
      {
        name: `end-to-end p99 latency / emulator delivery p99, at ${delivery.rate} ev/s`,
        value: sameRate.latency.p99Ms / delivery.latency.p99Ms,
      },
    );
  }
  return ratios;
}
