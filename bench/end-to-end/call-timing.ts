import type { GetRecordsCommandOutput, KinesisClient } from '@aws-sdk/client-kinesis';
import type { KinesisFunction } from '#lib/emulator/event-source/invoke';
import type { PutRecordsCall } from '#lib/kinesis/put-records-call';

/**
 * One call (PutRecords, GetRecords, an invocation): when it started (ms after the phase began),
 * its records, its time.
 */
export type CallTime = { startedAtMs: number; records: number; ms: number };

/** How calls went at the start and at the end of a phase (kinesis-mock slowed as a shard grew). */
export type CallTimeSummary = {
  calls: number;
  /** Mean call time and records per call over the first and the last tenth of the calls. */
  firstMs: number;
  firstRecords: number;
  lastMs: number;
  lastRecords: number;
};

/** `put`, noting each call's time into `calls`. */
export function timedPut(put: PutRecordsCall, start: number, calls: CallTime[]): PutRecordsCall {
  return async (records) => {
    const startedAt = Date.now();
    try {
      return await put(records);
    } finally {
      calls.push({
        startedAtMs: startedAt - start,
        records: records.length,
        ms: Date.now() - startedAt,
      });
    }
  };
}

/**
 * Notes the time of every successful GetRecords call the client makes (the event source's reads),
 * through an SDK middleware, so the emulator itself stays as it is.
 */
export function timeGetRecords(client: KinesisClient, start: number, calls: CallTime[]): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'GetRecordsCommand') return next(args);
      const startedAt = Date.now();
      const result = await next(args);
      const records = (result.output as GetRecordsCommandOutput).Records?.length ?? 0;
      calls.push({ startedAtMs: startedAt - start, records, ms: Date.now() - startedAt });
      return result;
    },
    { step: 'initialize', name: 'benchGetRecordsTiming' },
  );
}

/** `fn`, noting each invocation's time and batch size into `calls`. */
export function timedFunction(
  fn: KinesisFunction,
  start: number,
  calls: CallTime[],
): KinesisFunction {
  return async (event, context) => {
    const startedAt = Date.now();
    try {
      return await fn(event, context);
    } finally {
      calls.push({
        startedAtMs: startedAt - start,
        records: event.Records.length,
        ms: Date.now() - startedAt,
      });
    }
  };
}

export function summarizeCallTimes(calls: readonly CallTime[]): CallTimeSummary {
  const tenth = Math.max(1, Math.floor(calls.length / 10));
  const mean = (part: readonly CallTime[], pick: (c: CallTime) => number) =>
    part.length === 0 ? Number.NaN : part.reduce((sum, c) => sum + pick(c), 0) / part.length;
  const first = calls.slice(0, tenth);
  const last = calls.slice(-tenth);
  return {
    calls: calls.length,
    firstMs: mean(first, (c) => c.ms),
    firstRecords: mean(first, (c) => c.records),
    lastMs: mean(last, (c) => c.ms),
    lastRecords: mean(last, (c) => c.records),
  };
}
