import type { ColumnType } from './column-type.ts';
import type { SyncValue } from './sync-value.ts';

/** A column of the table being synced, as system_schema.columns describes it. */
export type SyncColumn = {
  name: string;
  type: ColumnType;
  /** The type as Cassandra spells it, for messages and for mapping to the target's types. */
  cqlType: string;
  kind: 'partition_key' | 'clustering' | 'regular' | 'static';
};

export type SyncSchema = {
  keyspace: string;
  table: string;
  /** Partition key columns first (in order), then clustering columns, then the rest. */
  columns: readonly SyncColumn[];
  primaryKey: readonly string[];
};

export type SyncRow = Readonly<Record<string, SyncValue>>;

/** One page read from one token range of one pass: what a target writes in one go. */
export type SyncPage = {
  job: string;
  passId: string;
  /** When the pass started (epoch ms): S3 partitions its objects by this date. */
  passStartedAt: number;
  rangeId: number;
  /** 0, 1, 2, ... within the range: with the range, it names the page deterministically. */
  page: number;
  rows: readonly SyncRow[];
};

/**
 * Where synced rows go. Writing the same page twice must change nothing (upserts, or an object
 * named after the page), since a run that stops between a write and its checkpoint repeats it.
 */
export interface SyncTarget {
  /** What to call it in messages, e.g. 's3://bucket/prefix'. */
  readonly describe: string;
  /** Checks the target is reachable and fits the schema (creating a table if missing). */
  prepare(schema: SyncSchema): Promise<void>;
  /**
   * Why the target cannot take this row (a limit of its own, checked before sending), or
   * undefined when it can. A refused row goes to the job's rejects and the job goes on.
   */
  reject?(row: SyncRow): string | undefined;
  /** Writes a page's rows; resolves how many were written. */
  write(page: SyncPage): Promise<number>;
  close(): Promise<void>;
}

/** The target could not be reached or refused the rows; checkpoints are left as they were. */
export class SyncTargetError extends Error {
  /**
   * Set when the target refused what a row holds rather than failing itself (PostgreSQL's data
   * exceptions, DynamoDB's ValidationException): the refusal in the target's words. Rows sent
   * one at a time then find which row it was, and that row becomes a reject.
   */
  readonly rowFault: string | undefined;

  constructor(
    target: string,
    problem: string,
    options: { cause?: unknown; rowFault?: string } = {},
  ) {
    super(`${target}: ${problem}`, 'cause' in options ? { cause: options.cause } : undefined);
    this.name = 'SyncTargetError';
    this.rowFault = options.rowFault;
  }
}
