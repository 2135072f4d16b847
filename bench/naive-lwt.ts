import type { KinesisStreamEvent } from 'aws-lambda';
import { mapWithConcurrency } from '#lib/engine/concurrency';
import { fromKinesisEventRecord } from '#lib/lambda/kinesis-event';
import type { TableSpec } from '#lib/store/schema/table-spec';
import type { CassandraSession } from '#lib/store/session';
import { type BenchStore, sumColumn } from './store.ts';

/**
 * The approach cassflow exists to beat: one lightweight transaction per event. Each event is
 * read-modify-written into its (key, minute) row, guarded by the row's version, with a fence on
 * the sequence number so a redelivered event is not counted twice (the same exactly-once promise).
 */
export function naiveTable(name: string): TableSpec {
  return {
    name,
    partitionKey: [
      { name: 'key', type: 'text' },
      { name: 'window_start', type: 'timestamp' },
    ],
    clusteringKey: [],
    columns: [
      { name: 'n', type: 'bigint' },
      { name: 'total', type: 'double' },
      { name: 'mean', type: 'double' },
      { name: 'hi', type: 'double' },
      { name: 'fence', type: 'varint' },
      { name: 'version', type: 'bigint' },
    ],
    comment: 'cassflow bench: naive one-LWT-per-event baseline',
  };
}

type NaiveEvent = { key: string; windowStart: Date; v: number; sequence: bigint };

export type NaiveRun = {
  records: number;
  conditionalWrites: number;
  casRetries: number;
  wallMs: number;
  eventsPerSec: number;
};

const WINDOW_MS = 60_000;
const MAX_ATTEMPTS = 8;

function decode(event: KinesisStreamEvent): NaiveEvent[] {
  return event.Records.map((raw) => {
    const record = fromKinesisEventRecord(raw);
    const body = JSON.parse(Buffer.from(record.data).toString('utf8')) as {
      key: string;
      ts: number;
      v: number;
    };
    const start = Math.floor(body.ts / WINDOW_MS) * WINDOW_MS;
    return {
      key: body.key,
      windowStart: new Date(start),
      v: body.v,
      sequence: record.sequenceNumber,
    };
  });
}

/** Folds `event` into its row with one conditional write; retries when the version moved. */
async function applyOne(session: CassandraSession, table: string, e: NaiveEvent, run: NaiveRun) {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const row = (
      await session.execute(
        `SELECT n, total, hi, fence, version FROM ${table} WHERE key = ? AND window_start = ?`,
        [e.key, e.windowStart],
        { idempotent: true },
      )
    ).first();
    if (row && BigInt(row.get('fence') as bigint) >= e.sequence) return;
    const n = (row ? (row.get('n') as bigint) : 0n) + 1n;
    const total = (row ? (row.get('total') as number) : 0) + e.v;
    const hi = Math.max(row ? (row.get('hi') as number) : Number.NEGATIVE_INFINITY, e.v);
    const values = [n, total, total / Number(n), hi, e.sequence];
    run.conditionalWrites++;
    const result = row
      ? await session.execute(
          `UPDATE ${table} SET n = ?, total = ?, mean = ?, hi = ?, fence = ?, version = ? WHERE key = ? AND window_start = ? IF version = ?`,
          [
            ...values,
            (row.get('version') as bigint) + 1n,
            e.key,
            e.windowStart,
            row.get('version'),
          ],
        )
      : await session.execute(
          `INSERT INTO ${table} (n, total, mean, hi, fence, version, key, window_start) VALUES (?, ?, ?, ?, ?, 1, ?, ?) IF NOT EXISTS`,
          [...values, e.key, e.windowStart],
        );
    if (result.wasApplied()) return;
    run.casRetries++;
  }
  throw new Error(`naive: lost the compare-and-set ${MAX_ATTEMPTS} times for ${e.key}`);
}

/**
 * Applies the batch event by event: in order within a key (as a per-event consumer must), with
 * `concurrency` keys in flight, as cassflow runs its rows.
 */
export async function runNaive(
  session: CassandraSession,
  tableName: string,
  event: KinesisStreamEvent,
  concurrency: number,
): Promise<NaiveRun> {
  const table = session.table(tableName);
  const run: NaiveRun = {
    records: event.Records.length,
    conditionalWrites: 0,
    casRetries: 0,
    wallMs: 0,
    eventsPerSec: 0,
  };
  const start = performance.now();
  const byKey = new Map<string, NaiveEvent[]>();
  for (const e of decode(event)) {
    const list = byKey.get(e.key);
    if (list) list.push(e);
    else byKey.set(e.key, [e]);
  }
  await mapWithConcurrency([...byKey.values()], concurrency, async (events) => {
    for (const e of events) await applyOne(session, table, e, run);
  });
  run.wallMs = performance.now() - start;
  run.eventsPerSec = (run.records / run.wallMs) * 1000;
  return run;
}

/** The naive baseline on its (empty) table: timed, and checked (every event counted once). */
export async function timeNaive(
  store: BenchStore,
  name: string,
  event: KinesisStreamEvent,
  concurrency: number,
): Promise<NaiveRun> {
  const run = await runNaive(store.session, name, event, concurrency);
  const counted = await sumColumn(store, name, 'n');
  if (counted !== BigInt(run.records)) {
    throw new Error(`naive: rows hold ${counted} events, not ${run.records}`);
  }
  return run;
}

/** The naive baseline once, on a fresh table: timed, checked (every event counted once), dropped. */
export async function naiveOnce(
  store: BenchStore,
  name: string,
  event: KinesisStreamEvent,
  concurrency: number,
): Promise<NaiveRun> {
  const table = naiveTable(name);
  await store.createTables([table]);
  try {
    return await timeNaive(store, table.name, event, concurrency);
  } finally {
    await store.dropTables([table]);
  }
}
