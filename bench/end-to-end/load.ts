import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { KinesisSender, type SendCounts } from '#lib/kinesis/kinesis-sender';
import { paced } from '#lib/kinesis/pace';
import { putRecordsCall } from '#lib/kinesis/put-records-call';
import {
  type CallTime,
  type CallTimeSummary,
  summarizeCallTimes,
  timedPut,
} from './call-timing.ts';
import { type LoadRecord, ordinaryEvent, probeEvent } from './events.ts';

/** A probe whose PutRecords call returned: latency is measured from `putReturnedAt`. */
export type ProbeSent = { key: string; ts: number; putReturnedAt: number };

export type LoadOptions = {
  kinesis: KinesisClient;
  stream: string;
  /** Events a second; Infinity sends as fast as the sender takes them. */
  rate: number;
  durationMs: number;
  /** One of the events is a probe every this many ms; none when undefined. */
  probeEveryMs?: number;
  probePrefix?: string;
  onProbeSent?: (probe: ProbeSent) => void;
};

export type LoadResult = {
  /** Events made within the duration, probes included. */
  generated: number;
  /** Events Kinesis had accepted when the duration ended. */
  acceptedInTime: number;
  /** Final counts, once the last PutRecords call returned. */
  counts: SendCounts;
  durationMs: number;
  /** Records the sender gave up on, with the first reason. */
  firstFailure: string | undefined;
  /** Of those, the ones still throttled (ProvisionedThroughputExceeded) at their last attempt. */
  throttledOut: number;
  putTimes: CallTimeSummary;
};

export type RunningLoad = {
  /** The sender's live counts (accepted so far: `counts.sent`). */
  readonly counts: SendCounts;
  readonly done: Promise<LoadResult>;
};

/**
 * Sends events at a fixed rate for a fixed time through cassflow's KinesisSender (PutRecords of
 * up to 500 records, 4 calls in flight, retries of throttled entries), each event made when it is
 * due so its event time is its send time. A sender that cannot keep up holds the loop back (its
 * backpressure), so fewer events go out: that is what "could not keep the rate" measures.
 */
export function startLoad(options: LoadOptions): RunningLoad {
  let firstFailure: string | undefined;
  let throttledOut = 0;
  const start = Date.now();
  const calls: CallTime[] = [];
  const sender = new KinesisSender<LoadRecord>({
    put: timedPut(putRecordsCall(options.kinesis, options.stream), start, calls),
    onSent: (record) => {
      if (record.probe) options.onProbeSent?.({ ...record.probe, putReturnedAt: Date.now() });
    },
    onFailed: (record, reason) => {
      firstFailure ??= `${record.ref}: ${reason}`;
      if (reason.includes('ProvisionedThroughputExceeded')) throttledOut += 1;
    },
  });
  const deadline = start + options.durationMs;
  let generated = 0;
  let acceptedInTime: number | undefined;
  const snapshot = setTimeout(() => {
    acceptedInTime = sender.counts.sent;
  }, options.durationMs);

  function* events(): Generator<LoadRecord> {
    let nextProbeAt = options.probeEveryMs
      ? start + options.probeEveryMs
      : Number.POSITIVE_INFINITY;
    for (let i = 0; ; i++) {
      const now = Date.now();
      if (now >= deadline) return;
      generated += 1;
      if (now >= nextProbeAt) {
        nextProbeAt += options.probeEveryMs ?? Number.POSITIVE_INFINITY;
        yield probeEvent(`${options.probePrefix ?? 'probe-'}${i}`, now);
      } else {
        yield ordinaryEvent(i, now);
      }
    }
  }

  const run = async (): Promise<LoadResult> => {
    try {
      for await (const record of paced(events(), options.rate)) await sender.add(record);
      const counts = await sender.flush();
      return {
        generated,
        acceptedInTime: acceptedInTime ?? counts.sent,
        counts,
        durationMs: options.durationMs,
        firstFailure,
        throttledOut,
        putTimes: summarizeCallTimes(calls),
      };
    } finally {
      clearTimeout(snapshot);
    }
  };
  return { counts: sender.counts, done: run() };
}
