import cassandra from 'cassandra-driver';
import { type CapacityMeter, readUnits, writeUnits } from './capacity.ts';
import { brokenRule, type TableKeys } from './rules.ts';
import { type StatementShape, statementShape } from './statement.ts';
import { sourceBytes, valueBytes } from './value-size.ts';

const { consistencies, responseErrorCodes } = cassandra.types;
type Params = cassandra.ArrayOrObject;
type BatchQueries = Parameters<cassandra.Client['batch']>[0];

/** What Keyspaces reports as its partitioner (same tokens as RandomPartitioner). */
export const KEYSPACES_PARTITIONER = 'com.amazonaws.cassandra.DefaultPartitioner';
/** Keyspaces caps a range delete at this many rows. */
const RANGE_DELETE_ROWS = 1000;
/** Keyspaces bills about 100 bytes of metadata per row on top of its data. */
const ROW_METADATA_BYTES = 100;

export type KeyspacesModeOptions = {
  meter: CapacityMeter;
  /** Chance that a page is cut short, and that a later page comes back empty. */
  pageCuts: { short: number; empty: number };
  random?: () => number;
};

/**
 * A Cassandra client that behaves as Amazon Keyspaces where cassflow can tell the difference:
 * it refuses, as Keyspaces would, statements Keyspaces refuses (see rules.ts); it meters and
 * throttles capacity per partition; it cuts pages short and returns empty pages that still have
 * a paging state; and it reports Keyspaces' partitioner name. The node under it runs the
 * RandomPartitioner, so tokens are Keyspaces' too.
 */
export class KeyspacesModeClient extends cassandra.Client {
  readonly #mode: KeyspacesModeOptions;
  readonly #random: () => number;
  readonly #keys = new Map<string, Promise<TableKeys | undefined>>();
  readonly #consistency: number;

  constructor(options: cassandra.ClientOptions, mode: KeyspacesModeOptions) {
    super(options);
    this.#mode = mode;
    this.#consistency = options.queryOptions?.consistency ?? consistencies.localOne;
    this.#random = mode.random ?? Math.random;
  }

  get capacity(): CapacityMeter {
    return this.#mode.meter;
  }

  // biome-ignore lint/suspicious/noExplicitAny: the driver's overloads (callbacks) pass through
  override execute(query: string, params?: Params, options?: any, callback?: any): any {
    if (typeof options === 'function' || typeof callback === 'function') {
      return super.execute(query, params as Params, options, callback);
    }
    return this.#execute(query, (params ?? []) as unknown[], options ?? {});
  }

  // biome-ignore lint/suspicious/noExplicitAny: as above
  override batch(queries: BatchQueries, options?: any, callback?: any): any {
    if (typeof options === 'function' || typeof callback === 'function') {
      return super.batch(queries, options, callback);
    }
    return this.#batch(queries, options ?? {});
  }

  async #execute(query: string, params: unknown[], options: cassandra.QueryOptions) {
    const shape = statementShape(query);
    await this.#guard(shape, params, options);
    if (shape.kind === 'delete' && this.#isRangeDelete(shape)) {
      await this.#guardRangeDelete(query, shape, params);
    }
    if (shape.kind === 'select') return this.#read(query, shape, params, options);
    if (shape.kind !== 'other') this.#chargeWrite(shape, params);
    return super.execute(query, params as Params, options);
  }

  async #batch(queries: BatchQueries, options: cassandra.QueryOptions) {
    const logged = options.logged ?? true;
    for (const entry of queries) {
      const { query, params = [] } = typeof entry === 'string' ? { query: entry } : entry;
      const shape = statementShape(query);
      await this.#guard(shape, params as unknown[], options, { logged, size: queries.length });
    }
    for (const entry of queries) {
      const { query, params = [] } = typeof entry === 'string' ? { query: entry } : entry;
      // A logged batch writes each row twice (prepare and commit) and bills both.
      for (let i = 0; i < (logged ? 2 : 1); i++) {
        this.#chargeWrite(statementShape(query), params as unknown[]);
      }
    }
    return super.batch(queries, options);
  }

  async #guard(
    shape: StatementShape,
    params: unknown[],
    options: cassandra.QueryOptions,
    batch?: { logged: boolean; size: number },
  ): Promise<void> {
    const consistency = options.consistency ?? this.#consistency;
    const check = async () => {
      const keys = await this.#tableKeys(shape.table);
      return brokenRule({
        shape,
        params,
        consistency,
        ...(keys ? { keys } : {}),
        ...(batch ? { batch } : {}),
      });
    };
    let broken = await check();
    if (broken?.rule.id === 'ttl-off' && shape.table) {
      // TTL may have been turned on since the table was looked up: look again before refusing.
      this.#keys.delete(shape.table);
      broken = await check();
    }
    if (broken) throw invalidRequest(`${broken.message} (Keyspaces rule: ${broken.rule.source})`);
  }

  #isRangeDelete(shape: StatementShape): boolean {
    return shape.relations.some((r) => r.operator !== '=' && r.operator !== 'IN');
  }

  /** Keyspaces deletes a range of at most 1,000 rows: count them first, as it would. */
  async #guardRangeDelete(query: string, shape: StatementShape, params: unknown[]) {
    const count = query.replace(/^\s*DELETE\s+.*?FROM\s+/is, 'SELECT count(*) FROM ');
    const result = await super.execute(count, params as Params, { prepare: true });
    const rows = Number(result.first()?.get(0) ?? 0);
    if (rows > RANGE_DELETE_ROWS) {
      throw invalidRequest(
        `Range delete of ${rows} rows exceeds the maximum of ${RANGE_DELETE_ROWS} (${shape.table})`,
      );
    }
  }

  async #read(
    query: string,
    shape: StatementShape,
    params: unknown[],
    options: cassandra.QueryOptions,
  ): Promise<cassandra.types.ResultSet> {
    const system = shape.table?.startsWith('system');
    const cut = this.#random();
    if (!system && options.pageState && cut < this.#mode.pageCuts.empty) {
      const state = options.pageState;
      return emptyPage(typeof state === 'string' ? state : state.toString('hex'));
    }
    const fetchSize = options.fetchSize ?? 5000;
    const short = !system && cut < this.#mode.pageCuts.empty + this.#mode.pageCuts.short;
    const result = await super.execute(query, params as Params, {
      ...options,
      // Skewed to small pages, so a cut bites reads of a handful of rows too.
      ...(short ? { fetchSize: 1 + Math.floor(this.#random() ** 3 * fetchSize) } : {}),
    });
    if (system) return reportKeyspacesPartitioner(result);
    const bytes = (result.rows ?? []).reduce((sum, row) => sum + rowBytes(row), 0);
    const level = options.consistency ?? this.#consistency;
    const units = readUnits(bytes, level === consistencies.localQuorum);
    if (
      !this.#mode.meter.charge(shape.table ?? '?', this.#partition(shape, params), {
        wru: 0,
        rru: units,
      })
    ) {
      throw timeout(responseErrorCodes.readTimeout, shape.table);
    }
    return result;
  }

  #chargeWrite(shape: StatementShape, params: unknown[]): void {
    const bytes =
      ROW_METADATA_BYTES +
      shape.writes.reduce((sum, w) => sum + sourceBytes(w.value, params), 0) +
      shape.relations.reduce((sum, r) => sum + sourceBytes(r.value, params), 0);
    const charged = this.#mode.meter.charge(shape.table ?? '?', this.#partition(shape, params), {
      wru: writeUnits(bytes),
      rru: 0,
    });
    if (!charged) throw timeout(responseErrorCodes.writeTimeout, shape.table);
  }

  /** The partition a statement touches, as text, when its WHERE clause or INSERT names one. */
  #partition(shape: StatementShape, params: unknown[]): string | undefined {
    const keys = shape.table ? this.#known(shape.table) : undefined;
    if (!keys) return undefined;
    const parts: string[] = [];
    for (const column of keys.partition) {
      const source =
        shape.writes.find((w) => w.column === column)?.value ??
        shape.relations.find((r) => r.operator === '=' && r.columns[0] === column && !r.token)
          ?.value;
      if (!source) return undefined;
      parts.push(source.literal ?? source.params.map((i) => String(params[i])).join(','));
    }
    return parts.join('|');
  }

  readonly #resolved = new Map<string, TableKeys | undefined>();

  #known(table: string): TableKeys | undefined {
    return this.#resolved.get(table);
  }

  #tableKeys(table: string | undefined): Promise<TableKeys | undefined> {
    if (!table) return Promise.resolve(undefined);
    let keys = this.#keys.get(table);
    if (!keys) {
      const [keyspace, name] = table.includes('.')
        ? table.replaceAll('"', '').split('.')
        : [this.keyspace, table];
      keys = keyspace
        ? this.metadata.getTable(keyspace, name as string).then(
            (t) =>
              t
                ? {
                    partition: t.partitionKeys.map((c) => c.name),
                    clustering: t.clusteringKeys.map((c) => c.name),
                    defaultTtl: t.defaultTtl,
                  }
                : undefined,
            () => undefined,
          )
        : Promise.resolve(undefined);
      this.#keys.set(table, keys);
      void keys.then((k) => {
        if (k) this.#resolved.set(table, k);
        // A table not created yet is looked up again next time.
        else this.#keys.delete(table);
      });
    }
    return keys;
  }
}

function rowBytes(row: cassandra.types.Row): number {
  let sum = ROW_METADATA_BYTES;
  for (const key of row.keys()) sum += valueBytes(row.get(key));
  return sum;
}

function invalidRequest(message: string): Error {
  return new cassandra.errors.ResponseError(responseErrorCodes.invalid, message);
}

/** Keyspaces reports exceeded capacity as a timeout: a driver error the retry policy sees. */
function timeout(code: number, table: string | undefined): Error {
  const error = new cassandra.errors.ResponseError(
    code,
    `Operation timed out - received only 0 responses (throttled: a partition of ${table} exceeded its capacity)`,
  );
  return error;
}

/** The driver's result class (its typings leave the constructor out). */
const ResultSet = (
  cassandra.types as unknown as {
    ResultSet: new (...args: unknown[]) => cassandra.types.ResultSet;
  }
).ResultSet;

function emptyPage(pageState: string): cassandra.types.ResultSet {
  return new ResultSet(
    { rows: [], meta: { pageState: Buffer.from(pageState, 'hex'), columns: [] } },
    '',
    {},
    0,
    consistencies.localQuorum,
    true,
  );
}

/** system.local as Keyspaces shows it: its partitioner's name. */
function reportKeyspacesPartitioner(result: cassandra.types.ResultSet): cassandra.types.ResultSet {
  for (const row of result.rows ?? []) {
    if (typeof row.get('partitioner') === 'string') {
      (row as unknown as Record<string, unknown>).partitioner = KEYSPACES_PARTITIONER;
    }
  }
  return result;
}
