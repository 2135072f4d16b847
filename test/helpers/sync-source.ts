import { setTimeout as sleep } from 'node:timers/promises';
import cassandra from 'cassandra-driver';
import type { CassandraSession } from '#lib/store/session';

/** The source table of the sync tests: every column type family sync carries. */
export const SOURCE_DDL = (keyspace: string, table: string) =>
  `CREATE TABLE IF NOT EXISTS ${keyspace}.${table} (
    shard int, id int, name text, amount bigint, price decimal, at timestamp,
    tags set<text>, data blob, flag boolean, ratio double,
    PRIMARY KEY ((shard), id))`;

/** Row i of the source, deterministically: what every target must end up holding. */
export function sourceRow(i: number) {
  return {
    shard: i % 97,
    id: i,
    name: `name-${i}`,
    // Past 2^53 for some rows: the value must arrive exact, not as a rounded double.
    amount: i % 10 === 0 ? 9_007_199_254_740_993n + BigInt(i) : BigInt(i * 3),
    price: `${i}.${String(i % 100).padStart(2, '0')}`,
    at: new Date(Date.UTC(2026, 0, 1) + i * 1000),
    tags: i % 3 === 0 ? [`t${i % 5}`, 'all'] : null,
    data: i % 4 === 0 ? Buffer.from([i % 256, 7]) : null,
    flag: i % 2 === 0,
    ratio: i / 7,
  };
}

/** Fills the table with rows 0..count-1, `concurrency` inserts in flight. */
export async function fillSource(
  session: CassandraSession,
  table: string,
  count: number,
  concurrency = 64,
): Promise<void> {
  const cql =
    `INSERT INTO ${session.table(table)} (shard, id, name, amount, price, at, tags, data, flag, ratio) ` +
    'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const r = sourceRow(i);
      for (let attempt = 1; ; attempt++) {
        try {
          await session.execute(
            cql,
            [
              r.shard,
              r.id,
              r.name,
              r.amount,
              cassandra.types.BigDecimal.fromString(r.price),
              r.at,
              r.tags,
              r.data,
              r.flag,
              r.ratio,
            ],
            { idempotent: true },
          );
          break;
        } catch (error) {
          if (attempt >= 5) throw error;
          await sleep(100 * attempt);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** A synced row as plain comparable text, whatever the target made of each value. */
export function canonical(row: {
  shard: unknown;
  id: unknown;
  name: unknown;
  amount: unknown;
  price: unknown;
  at: unknown;
  tags: unknown;
  data: unknown;
  flag: unknown;
  ratio: unknown;
}): string {
  const at = row.at instanceof Date ? row.at.toISOString() : new Date(String(row.at)).toISOString();
  const tags =
    row.tags === null || row.tags === undefined ? null : [...(row.tags as string[])].sort();
  const data =
    row.data === null || row.data === undefined
      ? null
      : typeof row.data === 'string'
        ? row.data
        : Buffer.from(row.data as Uint8Array).toString('base64');
  return JSON.stringify([
    Number(row.shard),
    Number(row.id),
    row.name,
    String(row.amount),
    Number(row.price).toFixed(2),
    at,
    tags,
    data,
    row.flag === true || row.flag === 'true',
    Number(row.ratio),
  ]);
}

/** What canonical() gives for source row i. */
export function expectedCanonical(i: number): string {
  const r = sourceRow(i);
  return canonical({ ...r, data: r.data ? r.data.toString('base64') : null });
}
