import { setTimeout as sleep } from 'node:timers/promises';
import cassandra from 'cassandra-driver';
import type { CassandraConfig } from '../config/config.ts';
import { type ClientOverrides, createCassandraClient } from './client.ts';

type Params = cassandra.ArrayOrObject;

/** The part of the driver client a session needs (so tests can stand in for it). */
export type CqlClient = Pick<cassandra.Client, 'execute' | 'shutdown'>;

export type ExecuteOptions = {
  /** Safe to run twice: lets the driver and the session retry it. */
  idempotent?: boolean;
  fetchSize?: number;
  pageState?: string;
};

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
  readonly #reconnectDelayMs: number;

  constructor(client: CqlClient, keyspace: string, reconnectDelayMs = 250) {
    this.client = client;
    this.keyspace = keyspace;
    this.#reconnectDelayMs = reconnectDelayMs;
  }

  async execute(
    cql: string,
    params: Params = [],
    options: ExecuteOptions = {},
  ): Promise<cassandra.types.ResultSet> {
    const queryOptions: cassandra.QueryOptions = {
      prepare: true,
      isIdempotent: options.idempotent ?? false,
      ...(options.fetchSize ? { fetchSize: options.fetchSize } : {}),
      ...(options.pageState ? { pageState: options.pageState } : {}),
    };
    try {
      return await this.client.execute(cql, params, queryOptions);
    } catch (error) {
      if (!options.idempotent || !isConnectionFailure(error)) throw error;
      await sleep(this.#reconnectDelayMs);
      return this.client.execute(cql, params, queryOptions);
    }
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
  return new CassandraSession(createCassandraClient(config, overrides), config.keyspace);
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
