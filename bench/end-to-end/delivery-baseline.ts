import { setTimeout as sleep } from 'node:timers/promises';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent } from 'aws-lambda';
import type { KinesisConfig } from '#lib/config/config';
import type { MappingStats } from '#lib/emulator/event-source/stats';
import { createKinesisClient } from '#lib/kinesis/client';
import type { CassandraSession } from '#lib/store/session';
import {
  type CallTime,
  type CallTimeSummary,
  summarizeCallTimes,
  timeGetRecords,
} from './call-timing.ts';
import { type ProbeSent, startLoad } from './load.ts';
import { freshStream, startMapping } from './mapping.ts';
import { type LatencySummary, summarizeLatency } from './percentile.ts';
import { deliveryLatencies, noteProbeArrivals } from './probe-arrivals.ts';

export type DeliveryBaseline = {
  shards: number;
  rate: number;
  latency: LatencySummary;
  stats: MappingStats;
  putTimes: CallTimeSummary;
  getTimes: CallTimeSummary;
};

export type DeliveryBaselineOptions = {
  kinesisConfig: KinesisConfig;
  sending: KinesisClient;
  session: CassandraSession;
  stream: string;
  shards: number;
  rate: number;
  durationMs: number;
  probeEveryMs: number;
  /**
   * When given, the function costs this many ms per record of its batch (and nothing else: no
   * tail), and a probe counts as arrived when its batch returns, as a window row written by the
   * batch is visible by then: the latency floor of any handler that costs as much per record.
   */
  costPerRecordMs?: number;
  log: (line: string) => void;
};

/** How long the last probes may take to arrive: a poll and a batching window, with room. */
const ARRIVAL_WAIT_MS = 10_000;

/**
 * The emulator's delivery latency alone: the same load and probes through startEventSource, to a
 * function that only notes when each probe arrives (no Cassandra, no aggregation); or, with
 * `costPerRecordMs`, to one that takes a fixed time per record before it notes them.
 */
export async function measureDeliveryLatency(
  options: DeliveryBaselineOptions,
): Promise<DeliveryBaseline> {
  const { stream } = options;
  const reading = createKinesisClient(options.kinesisConfig);
  const getCalls: CallTime[] = [];
  const prefix = 'probe-delivery-';
  const arrivedAt = new Map<string, number>();
  const sent: ProbeSent[] = [];
  const cost = options.costPerRecordMs ?? 0;
  const fn = async (event: KinesisStreamEvent) => {
    if (cost > 0) await sleep(event.Records.length * cost);
    noteProbeArrivals(event, prefix, arrivedAt, Date.now());
    return { batchItemFailures: [] };
  };
  try {
    await freshStream(reading, stream, options.shards);
    timeGetRecords(reading, Date.now(), getCalls);
    const source = await startMapping({
      kinesis: reading,
      session: options.session,
      stream,
      functionName: 'bench-e2e-delivery',
      fn,
      log: options.log,
    });
    try {
      const load = await startLoad({
        kinesis: options.sending,
        stream,
        rate: options.rate,
        durationMs: options.durationMs,
        probeEveryMs: options.probeEveryMs,
        probePrefix: prefix,
        onProbeSent: (probe) => sent.push(probe),
      }).done;
      if (load.counts.failed > 0) throw new Error(`the sender gave up: ${load.firstFailure}`);
      const deadline = Date.now() + ARRIVAL_WAIT_MS;
      while (sent.some((p) => !arrivedAt.has(p.key)) && Date.now() < deadline) await sleep(50);
      return {
        shards: options.shards,
        rate: options.rate,
        latency: summarizeLatency(deliveryLatencies(sent, arrivedAt), sent.length),
        stats: { ...source.stats },
        putTimes: load.putTimes,
        // Idle polls (before and after the load) say nothing about reading.
        getTimes: summarizeCallTimes(getCalls.filter((c) => c.records > 0)),
      };
    } finally {
      await source.stop();
    }
  } finally {
    reading.destroy();
  }
}
