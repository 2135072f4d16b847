import { closeDueWindows } from '../engine/closer.ts';
import { parseEventTime } from '../engine/event-time.ts';
import type { EnginePorts, EngineSettings } from '../engine/ports.ts';
import { processBatch } from '../engine/process-batch.ts';
import type { TypedPipeline } from '../pipeline/typed.ts';
import { assembleAllWindows } from '../query/assemble-windows.ts';
import type { WindowResult } from '../query/window-result.ts';
import type { InputRecord } from '../records/input-record.ts';
import { MemorySideOutputs } from './memory-side-outputs.ts';
import { MemoryWatermarks } from './memory-watermarks.ts';
import { MemoryWindowIndex } from './memory-window-index.ts';
import { MemoryWindowRows } from './memory-window-rows.ts';
import { peekEvent, type RawRecord, recordBytes } from './test-records.ts';

export const DEFAULT_SHARD = 'shardId-000000000000';

/** An event that missed a window: it came after the watermark had passed the window's close. */
export type LateEvent<Event> = {
  event: Event | RawRecord;
  key: string;
  eventTime: number;
  /** The window's name, e.g. 'tumbling_1m'. */
  window: string;
  /** The start of the window it missed (a session window: undefined). */
  windowStart?: number;
  /** The watermark the event was judged against. */
  watermark: number;
};

/** A record the pipeline could not use: the field at fault and why. */
export type DeadLetter<Event> = { event: Event | RawRecord; field: string; reason: string };

/** What the batches sent so far did, in records. */
export type DriverFigures = { sent: number; deadLettered: number; filtered: number };

export type SendOptions = {
  /** The shard the records arrive on (default shardId-000000000000): its own watermark. */
  shard?: string;
  /** When they arrived at the stream (default: the driver's clock, see DriverOptions.now). */
  arrivedAt?: number | string;
};

export type DriverOptions = {
  /**
   * When the stream starts. Records arrive on the driver's clock, as on a prompt stream: it
   * starts here (default: the median event time of the first batch) and moves with each event's
   * time, unless that is further ahead than lateness.maxFuture (such an event is a dead letter,
   * as on Kinesis). So an epoch-seconds time or a stray future one is refused as it would be.
   */
  now?: number | string;
};

const SETTINGS = {
  retry: { maxAttempts: 4, baseBackoffMs: 0, maxBackoffMs: 0 },
  concurrency: 8,
  maxClosesPerRun: Number.MAX_SAFE_INTEGER,
  maxClosesPerBatch: Number.MAX_SAFE_INTEGER,
  maxCloserLagMs: 0,
};

/**
 * Runs a pipeline in memory, one batch at a time, with the same engine the Lambda handler runs
 * (counting, lateness, dead letters, closing) over an in-memory store. Event time moves with the
 * events sent, or when the test moves it (`advanceTo`, `finish`).
 *
 * @example
 * const driver = new PipelineTestDriver(pageViews);
 * await driver.send([{ page: '/a', ts: '2026-01-01T00:00:10Z', ms: 12 }]);
 * await driver.finish();
 * expect(driver.windows()[0]?.values.views).toBe(1n);
 */
export class PipelineTestDriver<Event = unknown, Results = Record<string, unknown>> {
  readonly pipeline: TypedPipeline<Event, Results>;
  readonly figures: DriverFigures = { sent: 0, deadLettered: 0, filtered: 0 };
  readonly #rows = new MemoryWindowRows();
  readonly #watermarks = new MemoryWatermarks();
  readonly #side = new MemorySideOutputs();
  readonly #ports: EnginePorts;
  readonly #settings: EngineSettings;
  readonly #sent = new Map<string, Event | RawRecord>();
  readonly #sequence = new Map<string, bigint>();
  #clock: number | undefined;

  constructor(pipeline: TypedPipeline<Event, Results>, options: DriverOptions = {}) {
    this.pipeline = pipeline;
    if (options.now !== undefined) this.#clock = timeOf(options.now);
    this.#ports = {
      rows: this.#rows,
      index: new MemoryWindowIndex(),
      watermarks: this.#watermarks,
      sideOutputs: this.#side,
    };
    this.#settings = { ...SETTINGS, now: () => this.#clock ?? Date.now() };
  }

  /** Sends events (or raw records) as one batch on one shard, and closes what became due. */
  async send(events: readonly (Event | RawRecord)[], options: SendOptions = {}): Promise<void> {
    if (events.length === 0) return;
    const shardId = options.shard ?? DEFAULT_SHARD;
    const arrivedAt = options.arrivedAt === undefined ? undefined : timeOf(options.arrivedAt);
    const peeked = events.map((event) => peekEvent(this.pipeline, event));
    let clock = this.#clock ?? medianTime(peeked) ?? Date.now();
    const records = events.map((event, i): InputRecord => {
      const { time, key } = peeked[i] ?? {};
      if (time !== undefined && time <= clock + this.pipeline.lateness.maxFutureMs) {
        clock = Math.max(clock, time);
      }
      const arrival = arrivedAt ?? clock;
      const sequenceNumber = (this.#sequence.get(shardId) ?? 0n) + 1n;
      this.#sequence.set(shardId, sequenceNumber);
      this.#sent.set(`${shardId}/${sequenceNumber}`, event);
      return {
        shardId,
        sequenceNumber,
        partitionKey: key ?? 'test',
        data: recordBytes(event),
        arrivedAt: arrival,
      };
    });
    this.#clock = clock;
    const result = await processBatch(this.pipeline, records, this.#ports, this.#settings);
    if (result.rowsFailed > 0) throw new Error(`rows failed: ${result.rowErrors?.join('; ')}`);
    this.figures.sent += records.length;
    this.figures.deadLettered += result.deadLettered;
    this.figures.filtered += result.filtered;
  }

  /**
   * Moves event time on to `time` on every shard, as if events up to it had arrived, and makes
   * final every window the watermark has then passed (its end plus the allowed lateness).
   */
  async advanceTo(time: number | string): Promise<void> {
    const ms = timeOf(time);
    const { outOfOrderMs } = this.pipeline.lateness;
    this.#clock = Math.max(this.#clock ?? ms, ms);
    this.#watermarks.advanceTo(ms, outOfOrderMs, DEFAULT_SHARD, this.#clock);
    for (;;) {
      const run = await closeDueWindows(this.pipeline, this.#ports, this.#settings);
      if (run.complete) return;
    }
  }

  /** Moves event time past the close of every window the events sent so far fall in. */
  async finish(): Promise<void> {
    const shards = await this.#watermarks.readShards();
    const newest = Math.max(...shards.map((s) => s.maxEventTime));
    if (!Number.isFinite(newest)) return;
    const longest = Math.max(
      ...this.pipeline.windows.map((w) => (w.spec.kind === 'session' ? w.spec.gap : w.spec.size)),
    );
    await this.advanceTo(newest + longest + this.pipeline.lateness.allowedMs + 1);
  }

  /** The windows so far, final or open, by key, window and start. */
  windows(filter: { key?: string; window?: string; final?: boolean } = {}) {
    const rows = this.#rows.all().filter((r) => filter.key === undefined || r.key === filter.key);
    const windows = assembleAllWindows(
      this.pipeline,
      rows,
      filter.window === undefined ? {} : { window: filter.window },
    );
    return windows.filter(
      (w) => filter.final === undefined || w.final === filter.final,
    ) as WindowResult<Results>[];
  }

  /** Events that came too late for a window, once per window missed. */
  get late(): LateEvent<Event>[] {
    return [...this.#side.late.values()].map((l) => {
      // Stored as `tumbling_1m@<start>`; a session window by its name alone.
      const [window = l.window, start] = l.window.split('@');
      return {
        event: this.#input(l.record),
        key: l.key,
        eventTime: l.eventTime,
        window,
        ...(start ? { windowStart: Date.parse(start) } : {}),
        watermark: l.watermark,
      };
    });
  }

  /** Records that could not be counted, with the field at fault and why. */
  get deadLetters(): DeadLetter<Event>[] {
    return [...this.#side.dead.values()].map((d) => ({
      event: this.#input(d.record),
      field: d.field,
      reason: d.reason,
    }));
  }

  #input(record: InputRecord): Event | RawRecord {
    return this.#sent.get(`${record.shardId}/${record.sequenceNumber}`) as Event | RawRecord;
  }
}

/** The middle event time of a batch: where its stream's clock starts, whatever its outliers. */
function medianTime(peeked: readonly { time?: number }[]): number | undefined {
  const times = peeked.flatMap((p) => (p.time === undefined ? [] : [p.time])).sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function timeOf(value: number | string): number {
  const parsed = parseEventTime(value);
  if (!parsed.ok) throw new RangeError(`not a time: ${JSON.stringify(value)} ${parsed.problem}`);
  return parsed.ms;
}
