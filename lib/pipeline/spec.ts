import type { Aggregate } from '../aggregates/aggregate.ts';
import type { WindowSpec } from '../windows/window.ts';
import type { DeadLetterPolicy, DeadLettersDefinition } from './dead-letter-policy.ts';
import type { SyncEntryDefinition, SyncJobSpec } from './sync-entry.ts';
import type { AggregateMap, CheckedFields, FieldPath } from './typed.ts';

/** A decoded event: the JSON object a Kinesis record carries. */
export type EventRecord = Record<string, unknown>;

/** Where a value comes from: a dot path into the event, or a function of it. */
export type Extractor<T> = string | ((event: EventRecord) => T);

/** A duration: '30s', '1m', '6h', '1d', or milliseconds. */
export type Duration = string | number;

/**
 * What a user writes to declare a windowed aggregation (see definePipeline). `In` is the event
 * on the stream; `Event` what `map` makes of it (the same without `map`): the one `key`, `time`
 * and the aggregates read.
 */
export type PipelineDefinition<
  In extends object = EventRecord,
  Event extends object = In,
  A extends AggregateMap = AggregateMap,
> = {
  /** Lowercase identifier; names the state tables. */
  name: string;
  source: { stream: string };
  /**
   * Events for which this returns false are skipped before keying: counted as filtered, never
   * dead letters (a stream that carries several kinds of events). One that throws is a dead
   * letter.
   */
  filter?: (event: In) => boolean;
  /**
   * Makes each event (after `filter`) into the object the key, time and aggregates read. In a
   * typed definition, annotate its parameter (`map: (e: Envelope) => ...`): TypeScript then
   * infers the mapped event from what it returns.
   */
  map?: (event: In) => Event;
  /** The grouping key; strings and numbers are accepted (numbers become strings). */
  key: FieldPath<NoInfer<Event>> | ((event: NoInfer<Event>) => unknown);
  /** Event time: epoch milliseconds, or an ISO-8601 string with a zone. */
  time: FieldPath<NoInfer<Event>> | ((event: NoInfer<Event>) => unknown);
  windows: readonly WindowSpec[];
  /** Result column name -> aggregate. */
  aggregates: A & CheckedFields<A, NoInfer<Event>>;
  lateness?: {
    /** How far events may arrive out of order; the watermark trails the newest event by this. */
    outOfOrder?: Duration;
    /** How long a window stays open after the watermark passed its end. */
    allowed?: Duration;
    /** A shard with no records for this long does not hold the watermark back. */
    idleTimeout?: Duration;
    /** Events further than this ahead of their arrival in the stream are dead letters. */
    maxFuture?: Duration;
    /**
     * Events further than this behind their arrival are dead letters (default 30 days): a stray
     * `ts: 0` or epoch seconds would otherwise open windows back to 1970.
     */
    maxPast?: Duration;
  };
  /** Largest record accepted, in bytes (default 256 KiB); larger ones are dead letters. */
  maxEventBytes?: number;
  /** How long dead letters are kept (default 14 days) and how many raw bytes (default 256 KiB). */
  deadLetters?: DeadLettersDefinition;
  /** Jobs that copy the pipeline's results to other stores on a schedule. */
  sync?: readonly SyncEntryDefinition[];
  /**
   * How often the pipeline's tick runs (an EventBridge schedule expression; default
   * 'rate(1 minute)'): it closes due windows when no records arrive, and tells idle shards.
   */
  tick?: string;
  /** The keyspace of the pipeline's tables (default: CASSANDRA_KEYSPACE, else 'cassflow'). */
  keyspace?: string;
  /**
   * How long window results and late events are kept (a table TTL), e.g. '90d'. Default: kept
   * until deleted. Must outlast the largest window plus its lateness.
   */
  retention?: Duration;
  /** Table names, when the defaults `<name>_windows`, `<name>_late_events`, ... will not do. */
  tables?: Partial<PipelineTables>;
  /**
   * One compare-and-set per batch instead of one per row (docs/single-writer.md): only when every
   * producer uses the key as the Kinesis partition key (records whose key differs are dead
   * letters) and sets no ExplicitHashKey. Apache Cassandra only; tumbling and sliding windows.
   */
  singleWriter?: boolean;
};

/** One window of a pipeline, with the stable name used in rows and queries. */
export type NamedWindow = { name: string; spec: WindowSpec };

/** One aggregate of a pipeline: its result column and, when it reads one, its input path. */
export type NamedAggregate = { name: string; aggregate: Aggregate; path?: readonly string[] };

/** The names of a pipeline's tables in its keyspace. */
export type PipelineTables = {
  windows: string;
  openWindows: string;
  closedWindows: string;
  watermarks: string;
  lateEvents: string;
};

/** A validated pipeline, with everything resolved to milliseconds and functions. */
export type Pipeline = {
  kind: 'aggregation';
  name: string;
  stream: string;
  /** Skips events before keying (see PipelineDefinition.filter). */
  filter?: (event: EventRecord) => boolean;
  /** Turns each event into the object the key, time and aggregates read. */
  map?: (event: EventRecord) => EventRecord;
  key: (event: EventRecord) => unknown;
  /** The key's field path, for error messages; 'key' when it is a function. */
  keyField: string;
  time: (event: EventRecord) => unknown;
  timeField: string;
  windows: readonly NamedWindow[];
  aggregates: readonly NamedAggregate[];
  lateness: {
    outOfOrderMs: number;
    allowedMs: number;
    idleTimeoutMs: number;
    maxFutureMs: number;
    maxPastMs: number;
  };
  maxEventBytes: number;
  deadLetters: DeadLetterPolicy;
  sync: readonly SyncJobSpec[];
  tick: string;
  /** Set when the definition names one; else the configured keyspace is used. */
  keyspace?: string;
  /** The TTL of the windows, closed-windows and late-events tables, when retention is set. */
  retentionSeconds?: number;
  tables: PipelineTables;
  /** Rows are written plainly at the batch's claim timestamp (docs/single-writer.md). */
  singleWriter?: boolean;
};
