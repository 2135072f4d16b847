import type { Ratio } from '../harness.ts';
import { textTable } from '../stats.ts';
import type { CallTimeSummary } from './call-timing.ts';
import type { DeliveryBaseline } from './delivery-baseline.ts';
import type { IngestCeiling } from './ingest-ceiling.ts';
import type { LatencySummary } from './percentile.ts';
import type { RateStepResult } from './rate-step.ts';
import { describeVerdict, KEPT_RATE_SHARE } from './verdict.ts';

/**
 * One shard count: the ingest ceiling, delivery alone, the step, and delivery to a function of
 * the step's median cost per record (the floor).
 */
export type ShardRun = {
  ceiling: IngestCeiling;
  delivery: DeliveryBaseline;
  step: RateStepResult;
  floor: DeliveryBaseline;
};

/** The target: end-to-end p99 at most this many times delivery alone's. */
export const P99_TARGET = 1.2;
/** The same bound against the constant-cost floor: the tail cassflow adds to its own cost. */
export const P99_FLOOR_TARGET = 1.2;

const n = (v: number) => (Number.isFinite(v) ? Math.round(v).toString() : '–');
const latencyCells = (l: LatencySummary) => [n(l.p50Ms), n(l.p99Ms), `${l.seen}/${l.probes}`];
/** Mean call time (records per call) over the first and the last tenth of the calls. */
const trend = (c: CallTimeSummary) =>
  `${n(c.firstMs)} (${n(c.firstRecords)}) → ${n(c.lastMs)} (${n(c.lastRecords)})`;

/** The backlog at ten even points of the step, for a glance at whether it stayed flat. */
function backlogOverTime(step: RateStepResult): string {
  const { samples } = step;
  if (samples.length === 0) return '';
  const picks = Array.from({ length: 10 }, (_, i) => {
    const at = Math.floor(((i + 1) * samples.length) / 10) - 1;
    return samples[Math.max(0, at)];
  });
  return picks.map((s) => n(s?.backlog ?? Number.NaN)).join(' ');
}

/** Throughput per shard count, backlog over time, latency against delivery alone, baselines. */
export function reportTables(runs: readonly ShardRun[]): string {
  const throughput = textTable(
    [
      'shards',
      'rate/s',
      'sent/s',
      'processed/s',
      'backlog half-way',
      'backlog at end',
      'sustained',
    ],
    runs.map(({ step: s }) => [
      String(s.shards),
      n(s.rate),
      n(s.acceptedPerSec),
      n(s.processedPerSec),
      n(s.backlogHalfway),
      n(s.backlogAtEnd),
      describeVerdict(s.verdict),
    ]),
  );
  const backlog = textTable(
    ['shards', 'backlog (events) at each tenth of the step'],
    runs.map(({ step }) => [String(step.shards), backlogOverTime(step)]),
  );
  const latency = textTable(
    [
      'shards',
      'p50 ms',
      'p99 ms',
      'probes seen',
      'after warm-up p50 / p99',
      'delivered p50 / p99',
      'delivery alone p50 / p99',
      'floor p50 / p99 (ms/rec)',
    ],
    runs.map(({ step, delivery, floor }) => [
      String(step.shards),
      ...latencyCells(step.latency),
      `${n(step.steadyLatency.p50Ms)} / ${n(step.steadyLatency.p99Ms)} (from ${step.warmUpMs / 1000} s, ${step.steadyLatency.seen}/${step.steadyLatency.probes} seen)`,
      `${n(step.steadyDelivery.p50Ms)} / ${n(step.steadyDelivery.p99Ms)}`,
      `${n(delivery.latency.p50Ms)} / ${n(delivery.latency.p99Ms)}`,
      `${n(floor.latency.p50Ms)} / ${n(floor.latency.p99Ms)} (${step.msPerRecord.toFixed(3)})`,
    ]),
  );
  const calls = textTable(
    [
      'shards',
      'PutRecords ms (recs)',
      'GetRecords ms (recs), non-empty',
      'handler ms (recs)',
      'ingest ceiling ev/s',
    ],
    runs.map(({ step, ceiling }) => [
      String(step.shards),
      trend(step.putTimes),
      trend(step.getTimes),
      trend(step.invocationTimes),
      n(ceiling.eventsPerSec),
    ]),
  );
  return `${throughput}\n\n${backlog}\n\n${latency}\n\n${calls}`;
}

/** Per shard count: processed against the offered rate, and p99 against delivery alone. */
export function reportRatios(runs: readonly ShardRun[]): Ratio[] {
  return runs.flatMap(({ step, delivery, floor }) => [
    {
      name: `end to end, ${step.shards} shard(s): processed/s / offered ${step.rate}/s (sustained: ${step.verdict.sustained ? 'yes' : 'no'})`,
      value: step.processedPerSec / step.rate,
      target: KEPT_RATE_SHARE,
    },
    {
      name: `end to end, ${step.shards} shard(s): p99 latency after warm-up / delivery alone p99`,
      value: step.steadyLatency.p99Ms / delivery.latency.p99Ms,
      target: P99_TARGET,
      atMost: true,
    },
    {
      name: `end to end, ${step.shards} shard(s): constant-cost floor p99 / delivery alone p99`,
      value: floor.latency.p99Ms / delivery.latency.p99Ms,
    },
    {
      name: `end to end, ${step.shards} shard(s): p99 latency after warm-up / constant-cost floor p99`,
      value: step.steadyLatency.p99Ms / floor.latency.p99Ms,
      target: P99_FLOOR_TARGET,
      atMost: true,
    },
  ]);
}
