import type pg from 'pg';
import {
  type SyncPage,
  type SyncRow,
  type SyncSchema,
  type SyncTarget,
  SyncTargetError,
} from '../target.ts';
import { postgresRowCheck } from './postgres-limits.ts';
import { postgresParam, postgresType } from './postgres-types.ts';

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Upserts rows into a PostgreSQL table (`INSERT ... ON CONFLICT (primary key) DO UPDATE`), which
 * it creates if missing with column types mapped from the Cassandra ones. Writing a page twice
 * leaves the same rows.
 */
export class PostgresTarget implements SyncTarget {
  readonly describe: string;
  readonly #pool: pg.Pool;
  readonly #table: string;
  readonly #schemaName: string;
  #schema: SyncSchema | undefined;
  #rowCheck: (row: SyncRow) => string | undefined = () => undefined;

  constructor(pool: pg.Pool, table: string, schemaName = 'public') {
    this.#pool = pool;
    this.#table = table;
    this.#schemaName = schemaName;
    this.describe = `postgres table ${schemaName}.${table}`;
  }

  async prepare(schema: SyncSchema): Promise<void> {
    const name = `${quote(this.#schemaName)}.${quote(this.#table)}`;
    const columns = schema.columns.map((c) => `${quote(c.name)} ${postgresType(c.type)}`);
    const key = schema.primaryKey.map(quote).join(', ');
    try {
      await this.#pool.query(`CREATE SCHEMA IF NOT EXISTS ${quote(this.#schemaName)}`);
      await this.#pool.query(
        `CREATE TABLE IF NOT EXISTS ${name} (${columns.join(', ')}, PRIMARY KEY (${key}))`,
      );
      const existing = await this.#pool.query<{ column_name: string }>(
        'SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
        [this.#schemaName, this.#table],
      );
      const have = new Set(existing.rows.map((r) => r.column_name));
      const missing = schema.columns.filter((c) => !have.has(c.name)).map((c) => c.name);
      if (missing.length > 0) {
        throw new SyncTargetError(
          this.describe,
          `exists but lacks column(s) ${missing.join(', ')}`,
        );
      }
    } catch (error) {
      if (error instanceof SyncTargetError) throw error;
      throw new SyncTargetError(this.describe, `cannot be prepared: ${(error as Error).message}`, {
        cause: error,
      });
    }
    this.#schema = schema;
    this.#rowCheck = postgresRowCheck(schema.columns);
  }

  /** What PostgreSQL cannot store: U+0000 in text or jsonb, timestamps outside its range. */
  reject(row: SyncRow): string | undefined {
    return this.#rowCheck(row);
  }

  async write(page: SyncPage): Promise<number> {
    const schema = this.#schema;
    if (!schema) throw new Error('prepare() first');
    if (page.rows.length === 0) return 0;
    // One array parameter per column, unnested into rows: PostgreSQL parses 10 parameters
    // instead of 10 per row, which made page upserts several times cheaper for the server.
    const names = schema.columns.map((c) => quote(c.name));
    const arrays = schema.columns.map((c, i) => `$${i + 1}::${postgresType(c.type)}[]`);
    const updates = schema.columns
      .filter((c) => !schema.primaryKey.includes(c.name))
      .map((c) => `${quote(c.name)} = EXCLUDED.${quote(c.name)}`);
    const conflict = updates.length > 0 ? `DO UPDATE SET ${updates.join(', ')}` : 'DO NOTHING';
    const params = schema.columns.map((c) =>
      page.rows.map((row) => postgresParam(c.type, row[c.name] ?? null)),
    );
    try {
      await this.#pool.query(
        `INSERT INTO ${quote(this.#schemaName)}.${quote(this.#table)} (${names.join(', ')}) ` +
          `SELECT * FROM unnest(${arrays.join(', ')}) ` +
          `ON CONFLICT (${schema.primaryKey.map(quote).join(', ')}) ${conflict}`,
        params,
      );
    } catch (error) {
      const { message, code } = error as Error & { code?: unknown };
      // A row's fault: class 22 (data exceptions: a value PostgreSQL refuses), 54000 (a key
      // too long for its btree index) and 21000 (two rows of the page with one PostgreSQL key,
      // as -0.0 and 0.0 are; sent one at a time, the later one simply wins).
      const refused =
        typeof code === 'string' && (code.startsWith('22') || code === '54000' || code === '21000');
      throw new SyncTargetError(
        this.describe,
        `upsert of range ${page.rangeId} page ${page.page} failed: ${message}`,
        {
          cause: error,
          ...(refused
            ? { rowFault: `PostgreSQL refused the row: ${message} (SQLSTATE ${code})` }
            : {}),
        },
      );
    }
    return page.rows.length;
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
