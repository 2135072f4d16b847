import { setTimeout as sleep } from 'node:timers/promises';
import cassandra from 'cassandra-driver';
import type { CassandraConfig } from '../config/config.ts';
import { type ClientOverrides, createCassandraClient } from './client.ts';

type Params = cassandra.ArrayOrObject;

/** The part of the driver client a session needs (so tests can stand in for it). */
export type CqlClient = Pick<cassandra.Client, 'execute' | 'batch' | 'shutdown'>;

/** Statements per unlogged batch at most: Amazon Keyspaces takes no more than 30. */
export const BATCH_LIMIT = 30;

/** One statement of a batch. */
export type BatchStatement = { query: string; params: Params };

export type ExecuteOptions = {
  /** Safe to run twice: lets the driver and the session retry it. */
  idempotent?: boolean;
  fetchSize?: number;
  pageState?: string;
  /**
   * A read that must see every compare-and-set before it settled: LOCAL_SERIAL on Cassandra,
   * which completes (or forever supersedes) a round a timed-out writer left half done. Keyspaces
   * has no such rounds and refuses SERIAL reads: there it is a plain read.
   */
  settled?: boolean;
};

export type SessionOptions = {
  reconnectDelayMs?: number;
  conditionalBatches?: boolean;
  rangeDeletes?: boolean;
  serialReads?: boolean;
  clientTimestamps?: boolean;
};

/** What a session may do on the configured store (Keyspaces, or a node that behaves as it). */
export function sessionOptions(config: CassandraConfig): SessionOptions {
  const cassandra = config.kind === 'cassandra' && config.flavor === 'cassandra';
  return {
    conditionalBatches: cassandra,
    rangeDeletes: cassandra,
    serialReads: cassandra,
    clientTimestamps: cassandra,
  };
}

const CONNECTION_ERROR_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED']);

/**
 * True for failures of the connection rather than of the statement: what the first query after a
 * Lambda freeze meets when the sockets died while the container slept.
 */
export function isConnectionFailure(error: unknown): boolean {
  const { errors } = cassandra;
  if (
    error instanceof errors.NoHostAvailableError ||
    error instanceof errors.OperationTimedOutError ||
    error instanceof errors.BusyConnectionError
  ) {
    return true;
  }
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && CONNECTION_ERROR_CODES.has(code);
}

/**
 * One long-lived connection pool with prepared statements. An idempotent statement that meets a
 * dead connection (after a freeze/thaw) is retried once, after the driver has had a moment to
 * reconnect; a statement that is not idempotent is never re-sent.
 */
export class CassandraSession {
  readonly client: CqlClient;
  readonly keyspace: string;
  /**
   * Batches may carry conditions (one compare-and-set for several rows of a partition): true on
   * Apache Cassandra; Amazon Keyspaces takes no lightweight transactions in batches.
   */
  readonly conditionalBatches: boolean;
  /**
   * A range of clustering rows can be deleted in one statement, as one range tombstone: Apache
   * Cassandra. Amazon Keyspaces caps range deletes at 1,000 rows and bills every row anyway.
   */
  readonly rangeDeletes: boolean;
  /** SERIAL reads exist (Apache Cassandra): see ExecuteOptions.settled. */
  readonly serialReads: boolean;
  /**
   * Writes may carry `USING TIMESTAMP` (single-writer pipelines): Apache Cassandra. Amazon
   * Keyspaces takes it only on tables with client-side timestamps, which cassflow leaves off.
   */
  readonly clientTimestamps: boolean;
  readonly #reconnectDelayMs: number;

  constructor(client: CqlClient, keyspace: string, options: SessionOptions = {}) {
    this.client = client;
    this.keyspace = keyspace;
    this.conditionalBatches = options.conditionalBatches ?? true;
    this.rangeDeletes = options.rangeDeletes ?? true;
    this.serialReads = options.serialReads ?? true;
    this.clientTimestamps = options.clientTimestamps ?? true;
    this.#reconnectDelayMs = options.reconnectDelayMs ?? 250;
  }

  execute(
    cql: string,
    params: Params = [],
    options: ExecuteOptions = {},
  ): Promise<cassandra.types.ResultSet> {
    const queryOptions: cassandra.QueryOptions = {
      prepare: true,
      isIdempotent: options.idempotent ?? false,
      ...(options.fetchSize ? { fetchSize: options.fetchSize } : {}),
      ...(options.pageState ? { pageState: options.pageState } : {}),
      ...(options.settled && this.serialReads
        ? { consistency: cassandra.types.consistencies.localSerial }
        : {}),
    };
    return this.#withReconnect(options.idempotent, () =>
      this.client.execute(cql, params, queryOptions),
    );
  }

  /**
   * Every row a query returns, page after page. A single page is not the answer: a store may
   * cut pages short (Amazon Keyspaces at 1 MB) and even return empty ones with more to come.
   */
  async *rows(
    cql: string,
    params: Params = [],
    options: Omit<ExecuteOptions, 'pageState'> = {},
  ): AsyncGenerator<cassandra.types.Row> {
    let pageState: string | undefined;
    do {
      const page = await this.execute(cql, params, {
        fetchSize: 1000,
        ...options,
        ...(pageState ? { pageState } : {}),
      });
      yield* page.rows;
      pageState = page.pageState ?? undefined;
    } while (pageState);
  }

  /**
   * An unlogged batch: one request for statements on one partition (index rows of one hour), or
   * a conditional batch when the statements carry IF clauses. Retried like `execute`.
   */
  batch(
    statements: readonly BatchStatement[],
    options: { idempotent?: boolean } = {},
  ): Promise<cassandra.types.ResultSet> {
    const queryOptions: cassandra.QueryOptions = {
      prepare: true,
      logged: false,
      isIdempotent: options.idempotent ?? false,
    };
    const queries = statements.map((s) => ({ query: s.query, params: s.params }));
    return this.#withReconnect(options.idempotent, () => this.client.batch(queries, queryOptions));
  }

  async #withReconnect<T>(idempotent: boolean | undefined, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (!idempotent || !isConnectionFailure(error)) throw error;
      await sleep(this.#reconnectDelayMs);
      return run();
    }
  }

  /**
   * The hosts that own a partition (its serialized key), as one string to group by; '' when the
   * driver knows no ring for the keyspace.
   */
  replicasOf(routingKey: Buffer): string {
    const client = this.client as Partial<Pick<cassandra.Client, 'getReplicas'>>;
    const hosts = client.getReplicas?.(this.keyspace, routingKey) as
      | { address: string }[]
      | null
      | undefined;
    return hosts ? hosts.map((h) => h.address).join(',') : '';
  }

  /** `keyspace.table`, for statements that name a cassflow table. */
  table(name: string): string {
    return `${this.keyspace}.${name}`;
  }

  shutdown(): Promise<void> {
    return this.client.shutdown();
  }
}

/** The Cassandra settings for a pipeline: its own keyspace when its definition names one. */
export function pipelineCassandra(
  config: CassandraConfig,
  pipeline?: { keyspace?: string },
): CassandraConfig {
  return { ...config, keyspace: pipeline?.keyspace ?? config.keyspace };
}

export function createSession(
  config: CassandraConfig,
  overrides: ClientOverrides = {},
): CassandraSession {
  return new CassandraSession(
    createCassandraClient(config, overrides),
    config.keyspace,
    sessionOptions(config),
  );
}

let shared: CassandraSession | undefined;

/**
 * The session of this process (a Lambda container keeps it between invocations). Created on first
 * use; connects lazily on the first query.
 */
export function sharedSession(config: CassandraConfig): CassandraSession {
  shared ??= createSession(config);
  return shared;
}
