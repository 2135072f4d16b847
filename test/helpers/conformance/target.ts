import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { FailureRecord } from '#lib/emulator/event-source/on-failure';

/** A record the probe function (probe-function.mjs) acts on. */
export type ProbeRecord = {
  id: number;
  key: string;
  /** The invocation throws while this record is in its batch. */
  throw?: boolean;
  /** Reported in batchItemFailures on its first n attempts. */
  failTimes?: number;
  /** Sleeps this long on its first `sleepTimes` (default 1) attempts. */
  sleepMs?: number;
  sleepTimes?: number;
  /** Every invocation of a batch holding it takes at least this long. */
  holdMs?: number;
  /** Filler, to make a record big. */
  pad?: string;
};

export type SeenRecord = { id: number; key: string; shardId: string; sequenceNumber: string };

/** One line of the probe's log: an invocation began, or ran to its end. */
export type ProbeEntry = {
  type: 'start' | 'end';
  requestId: string;
  at: number;
  payloadBytes?: number;
  records: SeenRecord[];
};

/** The Lambda event-source mapping settings the suite sets (CreateEventSourceMapping's names). */
export type MappingSettings = {
  StartingPosition?: 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP';
  StartingPositionTimestamp?: number;
  BatchSize?: number;
  MaximumBatchingWindowInSeconds?: number;
  BisectBatchOnFunctionError?: boolean;
  MaximumRetryAttempts?: number;
  MaximumRecordAgeInSeconds?: number;
  ParallelizationFactor?: number;
  ReportBatchItemFailures?: boolean;
  /** The function's timeout. */
  TimeoutSeconds?: number;
};

/** A mapping of the probe function to a stream. */
export interface ProbeMapping {
  /** Everything the probe logged, across every start of a mapping of this name. */
  entries(): Promise<ProbeEntry[]>;
  /** What reached the on-failure destination. */
  failures(): Promise<FailureRecord[]>;
  /** Stops (disables) the mapping; mapping the same name again resumes from its checkpoints. */
  stop(): Promise<void>;
}

/** Where the suite runs: the cassflow emulator, or LocalStack (or AWS) by endpoint. */
export interface ConformanceTarget {
  readonly name: string;
  readonly kinesis: KinesisClient;
  /** How long to wait for something that should happen. */
  readonly patienceMs: number;
  stream(name: string, shards: number): Promise<string>;
  put(stream: string, records: readonly ProbeRecord[]): Promise<void>;
  /**
   * Maps the probe function to `stream`. `lambdaTiming` keeps Lambda's own poll cadence on the
   * emulator (otherwise it polls fast, to keep the suite quick).
   */
  map(
    stream: string,
    name: string,
    settings: MappingSettings,
    options?: { lambdaTiming?: boolean },
  ): Promise<ProbeMapping>;
  close(): Promise<void>;
}

/** `count` records over `keys` partition keys, ids from `firstId`. */
export function probeRecords(count: number, keys: number, firstId = 0): ProbeRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    id: firstId + i,
    key: `key-${(firstId + i) % keys}`,
  }));
}

/** The record ids of the invocations logged, in log order. */
export function idsOf(entries: readonly ProbeEntry[]): number[] {
  return entries.filter((e) => e.type === 'start').flatMap((e) => e.records.map((r) => r.id));
}

/** Polls `read` until `done` holds for it, or fails naming what was awaited. */
export async function eventually<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  patienceMs: number,
): Promise<T> {
  const deadline = Date.now() + patienceMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${patienceMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
