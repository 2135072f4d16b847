import { setTimeout as sleep } from 'node:timers/promises';
import type { StoreKind } from '../../config/config.ts';
import { addColumnCql, createKeyspaceCql, createTableCql, defaultTtlCql } from './ddl.ts';
import type { TableSpec } from './table-spec.ts';

/** What schema changes need from a connection (a real one, or a stand-in in unit tests). */
export type SchemaConnection = {
  /** Runs one statement unprepared and returns its rows as plain objects. */
  run(cql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** True once every node has the same schema version (always true on Keyspaces). */
  schemaAgreed(): Promise<boolean>;
};

export type SchemaTarget = {
  kind: StoreKind;
  keyspace: string;
  replicationFactor?: number;
};

export type ApplyOptions = {
  report?: (line: string) => void;
  timeoutMs?: number;
  pollMs?: number;
};

/** `altered`: existing tables that were given the columns they lacked. */
export type ApplyResult = { created: string[]; existing: string[]; altered: string[] };

export class SchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaError';
  }
}

/**
 * Creates the keyspace and tables that are missing and waits until they are usable: on Cassandra,
 * until the nodes agree on the schema; on Keyspaces (asynchronous DDL), until each table's status
 * in system_schema_mcs is ACTIVE. Tables that exist already get the regular columns they lack,
 * and the default TTL of their spec if they have none.
 */
export async function applySchema(
  connection: SchemaConnection,
  target: SchemaTarget,
  tables: readonly TableSpec[],
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  const report = options.report ?? (() => {});
  const wait = { timeoutMs: options.timeoutMs ?? 300_000, pollMs: options.pollMs ?? 1000 };
  const { keyspace } = target;

  await connection.run(createKeyspaceCql(target));
  await waitForKeyspace(connection, target, wait);

  // Each existing table with its default TTL (0: TTL off).
  const existingTables = new Map(
    (
      await connection.run(
        'SELECT table_name, default_time_to_live FROM system_schema.tables WHERE keyspace_name = ?',
        [keyspace],
      )
    ).map((row) => [String(row.table_name), Number(row.default_time_to_live ?? 0)]),
  );
  const result: ApplyResult = { created: [], existing: [], altered: [] };
  for (const table of tables) {
    const defaultTtl = existingTables.get(table.name);
    if (defaultTtl !== undefined) {
      const added = await addMissingColumns(connection, target, table, report, wait);
      const ttlOn = await turnOnTtl(connection, target, table, defaultTtl, report, wait);
      if (added || ttlOn) result.altered.push(table.name);
      result.existing.push(table.name);
      continue;
    }
    report(`Creating table ${keyspace}.${table.name}`);
    await connection.run(createTableCql(keyspace, table));
    result.created.push(table.name);
  }
  for (const name of result.created) await waitForTable(connection, target, name, wait);
  return result;
}

type Wait = { timeoutMs: number; pollMs: number };

async function poll(what: string, ready: () => Promise<boolean>, wait: Wait): Promise<void> {
  const deadline = Date.now() + wait.timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) {
      throw new SchemaError(`${what} was not usable after ${wait.timeoutMs / 1000} s`);
    }
    await sleep(wait.pollMs);
  }
}

async function waitForKeyspace(c: SchemaConnection, target: SchemaTarget, wait: Wait) {
  if (target.kind === 'cassandra') return poll('schema agreement', () => c.schemaAgreed(), wait);
  return poll(
    `keyspace ${target.keyspace}`,
    async () =>
      (
        await c.run(
          'SELECT keyspace_name FROM system_schema_mcs.keyspaces WHERE keyspace_name = ?',
          [target.keyspace],
        )
      ).length > 0,
    wait,
  );
}

async function waitForTable(c: SchemaConnection, target: SchemaTarget, table: string, wait: Wait) {
  if (target.kind === 'cassandra') return poll('schema agreement', () => c.schemaAgreed(), wait);
  return poll(
    `table ${target.keyspace}.${table}`,
    async () => {
      const rows = await c.run(
        'SELECT status FROM system_schema_mcs.tables WHERE keyspace_name = ? AND table_name = ?',
        [target.keyspace, table],
      );
      return rows[0]?.status === 'ACTIVE';
    },
    wait,
  );
}

/**
 * Gives an existing table the default TTL its spec has when it has none: rows written with
 * `USING TTL` (dead letters, late events) need TTL turned on in Keyspaces, and a table made by
 * an earlier cassflow, or before `retention` was set, has it off. A TTL already on is kept.
 */
async function turnOnTtl(
  c: SchemaConnection,
  target: SchemaTarget,
  table: TableSpec,
  defaultTtl: number,
  report: (line: string) => void,
  wait: Wait,
): Promise<boolean> {
  if (!table.ttlSeconds || defaultTtl > 0) return false;
  report(`Turning on TTL for ${target.keyspace}.${table.name} (default ${table.ttlSeconds} s)`);
  await c.run(defaultTtlCql(target.keyspace, table.name, table.ttlSeconds));
  await waitForTable(c, target, table.name, wait);
  return true;
}

/**
 * Adds the regular columns a table of an earlier cassflow lacks (ALTER TABLE ADD: additive, and
 * old rows read them as null); a missing key column cannot be added, so that is an error.
 */
async function addMissingColumns(
  c: SchemaConnection,
  target: SchemaTarget,
  table: TableSpec,
  report: (line: string) => void,
  wait: Wait,
): Promise<boolean> {
  const { keyspace } = target;
  const rows = await c.run(
    'SELECT column_name FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?',
    [keyspace, table.name],
  );
  const present = new Set(rows.map((row) => String(row.column_name)));
  const keys = [...table.partitionKey, ...table.clusteringKey].map((col) => col.name);
  const missingKeys = keys.filter((name) => !present.has(name));
  if (missingKeys.length > 0) {
    throw new SchemaError(
      `table ${keyspace}.${table.name} exists but lacks key column(s) ${missingKeys.join(', ')}; ` +
        'a key cannot be added to a table: migrate it or use another keyspace',
    );
  }
  const missing = table.columns.filter((col) => !present.has(col.name));
  for (const col of missing) {
    report(`Adding column ${col.name} to ${keyspace}.${table.name}`);
    await c.run(addColumnCql(keyspace, table.name, col));
    await waitForTable(c, target, table.name, wait);
  }
  return missing.length > 0;
}
