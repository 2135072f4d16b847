import { seededRandom } from '#lib/demo/seeded-random';
import { cqlPorts } from '#lib/engine/cql-ports';
import type { EnginePorts } from '#lib/engine/ports';
import type { Pipeline } from '#lib/pipeline/spec';
import { bucketOf, paneRowName, sessionBucketOf, sessionsRowName } from '#lib/store/row-ref';
import { DEAD_LETTERS } from '#lib/store/schema/core-tables';
import type { CassandraSession } from '#lib/store/session';
import { utcDay, utcHour } from '#lib/store/utc-periods';
import { INDEX_BUCKET_MS, INDEX_SLOTS, type IndexedWindow } from '#lib/store/window-index';
import { fromRow, isUnwritten, windowRowCql } from '#lib/store/window-row-cql';
import { type CallFault, FaultPlan, Killed, StoreTimeout } from './fault-plan.ts';
import type { Caller } from './model-store.ts';
import type { ModelStream } from './model-stream.ts';
import type { ScheduleWorld } from './run-schedule.ts';
import type { StoreSnapshot } from './store-snapshot.ts';

/**
 * A schedule's world on a real Cassandra: the engine's CQL ports behind the same fault injector
 * as the model (turns, invocations stopped at their timeout, calls timing out lost or applied;
 * real Paxos does the rest). The store is shared by the schedules of one lane, one after another:
 * each has its own day of event time and its own keys, and starts with the shard and cursor rows
 * cleared.
 */
export async function cqlWorld(
  session: CassandraSession,
  pipeline: Pipeline,
  seed: number,
  base: number,
): Promise<ScheduleWorld & { prefix: string }> {
  const table = session.table(pipeline.tables.watermarks);
  for (const scope of ['shard', 'closer']) {
    await session.execute(`DELETE FROM ${table} WHERE scope = ?`, [scope]);
  }
  const random = seededRandom(seed);
  const faults = new FaultPlan(random, { timeout: random() < 0.5 ? 0.03 : 0, maxYields: 3 }, base);
  if (pipeline.singleWriter) faults.rates.lateWrites = random() < 0.7 ? 0.1 : 0;
  // One container's memory shared by every invocation (stale rows are the protocol's to catch);
  // single-writer: one per container the schedule names, as its claims tell them apart.
  const containers = new Map<string, EnginePorts>();
  const portsOf = (container = 'shared') => {
    let ports = containers.get(container);
    if (!ports) {
      ports = cqlPorts(session, pipeline);
      containers.set(container, ports);
    }
    return ports;
  };
  const landing: Promise<unknown>[] = [];
  const prefix = `s${seed}-`;
  return {
    faults,
    pipeline,
    prefix,
    portsFor: (caller: Caller) => faulty(portsOf(caller.container), faults, caller, landing),
    pause: () => new Promise((resolve) => setTimeout(resolve, 1)),
    snapshot: async (stream) => {
      await Promise.allSettled(landing);
      return snapshot(session, pipeline, stream, prefix, base);
    },
  };
}

/**
 * The ports with the fault plan's turns, stops and timeouts around every call; a call that lands
 * late (fault `late`) is sent up to 200 ms later, into `landing`.
 */
function faulty(
  ports: EnginePorts,
  faults: FaultPlan,
  caller: Caller,
  landing: Promise<unknown>[],
): EnginePorts {
  const call = async <T>(op: string, run: () => Promise<T>): Promise<T> => {
    await faults.yieldTurns();
    if (caller.killed) throw new Killed();
    const fault: CallFault = faults.faultOf(false, caller.owner, op);
    let result: T | undefined;
    if (fault === 'late') {
      // Real time, not turns: the retry that must win over it takes real round trips.
      const delayMs = 5 + Math.floor(faults.random() * 200);
      landing.push(
        (async () => {
          await new Promise((resolve) => setTimeout(resolve, delayMs));
          await run();
        })().catch(() => {}), // a late write that fails in the end is a lost one
      );
    } else if (fault !== 'lost') result = await run();
    await faults.yieldTurns();
    if (caller.killed) throw new Killed();
    if (fault !== 'none') throw new StoreTimeout(op, fault);
    return result as T;
  };
  const wrap = <T extends object>(name: string, port: T): T =>
    new Proxy(port, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (typeof value !== 'function') return value;
        const op = `${name}.${String(key)}`;
        if (key === 'duePages') {
          return async function* (...args: unknown[]) {
            const pages = value.apply(target, args) as AsyncGenerator<IndexedWindow[]>;
            for (;;) {
              const next = await call(op, () => pages.next());
              if (next.done) return;
              yield next.value;
            }
          };
        }
        return (...args: unknown[]) => call(op, () => value.apply(target, args));
      },
    });
  return {
    rows: wrap('rows', ports.rows),
    index: wrap('index', ports.index),
    watermarks: wrap('watermarks', ports.watermarks),
    sideOutputs: wrap('sideOutputs', ports.sideOutputs),
    ...(ports.rowCache ? { rowCache: ports.rowCache } : {}),
  };
}

/** The schedule's rows, late events, dead letters, open entries and shards, read back. */
async function snapshot(
  session: CassandraSession,
  pipeline: Pipeline,
  stream: ModelStream,
  prefix: string,
  base: number,
): Promise<StoreSnapshot> {
  const columns = pipeline.aggregates.map((a) => a.name);
  const cql = windowRowCql(session.table(pipeline.tables.windows), columns);
  const rows: StoreSnapshot['rows'] = [];
  const span = [base - 120_000, base + 120_000];
  const partitions: { window: string; bucket: number }[] = [];
  for (const { name, spec } of pipeline.windows) {
    const names =
      spec.kind === 'session'
        ? [
            { window: name, buckets: span.map(sessionBucketOf) },
            { window: sessionsRowName(name), buckets: [0] },
          ]
        : spec.kind === 'sliding'
          ? [
              { window: name, buckets: span.map((t) => bucketOf(t, spec.slide)) },
              { window: paneRowName(name), buckets: span.map((t) => bucketOf(t, spec.slide)) },
            ]
          : [{ window: name, buckets: span.map((t) => bucketOf(t, spec.size)) }];
    for (const n of names)
      for (const bucket of new Set(n.buckets)) partitions.push({ window: n.window, bucket });
  }
  const keys = new Set<string>();
  for (const shard of stream.shards.values()) {
    for (const record of shard.records) {
      const { k } = JSON.parse(new TextDecoder().decode(record.data)) as { k?: unknown };
      if (typeof k === 'string' && k.startsWith(prefix)) keys.add(k);
    }
  }
  for (const key of keys) {
    for (const p of partitions) {
      // Every page: a store that behaves as Keyspaces cuts pages short.
      const result = session.rows(
        `${cql.selectAll} WHERE key = ? AND window = ? AND bucket = ?`,
        [key, p.window, BigInt(p.bucket)],
        { fetchSize: 5000 },
      );
      for await (const row of result) {
        rows.push({ ...fromRow(row, columns), ...(isUnwritten(row) ? { unwritten: true } : {}) });
      }
    }
  }
  const shards = [...stream.shards.values()];
  const days = new Set(shards.flatMap((s) => s.records.map((r) => utcDay(r.arrivedAt))));
  const lateKeys = new Set<string>();
  const deadLetterKeys = new Set<string>();
  for (const day of days) {
    for (const shard of shards) {
      const late = session.rows(
        `SELECT sequence_number, window FROM ${session.table(pipeline.tables.lateEvents)} WHERE day = ? AND shard_id = ?`,
        [day, shard.shardId],
        { fetchSize: 5000 },
      );
      for await (const r of late) {
        lateKeys.add(`${shard.shardId}|${r.get('sequence_number')}|${r.get('window')}`);
      }
    }
  }
  const hours = new Set(shards.flatMap((s) => s.records.map((r) => utcHour(r.arrivedAt))));
  for (const hour of hours) {
    const dead = session.rows(
      `SELECT shard_id, sequence_number FROM ${session.table(DEAD_LETTERS.name)} WHERE source = ? AND hour = ?`,
      [pipeline.name, new Date(hour)],
      { fetchSize: 5000 },
    );
    for await (const r of dead)
      deadLetterKeys.add(`${r.get('shard_id')}|${r.get('sequence_number')}`);
  }
  const open: IndexedWindow[] = [];
  const firstHour = Math.floor((span[0] as number) / INDEX_BUCKET_MS);
  const lastHour = Math.floor(((span[1] as number) + 120_000) / INDEX_BUCKET_MS);
  const slots = Array.from({ length: INDEX_SLOTS }, (_, slot) => slot);
  for (let hour = firstHour; hour <= lastHour; hour++) {
    const result = session.rows(
      `SELECT close_at, key, window, window_start FROM ${session.table(pipeline.tables.openWindows)} WHERE bucket = ? AND slot IN ?`,
      [BigInt(hour), slots],
      { fetchSize: 5000 },
    );
    for await (const r of result) {
      const key = String(r.get('key'));
      if (!key.startsWith(prefix)) continue;
      open.push({
        closeAt: (r.get('close_at') as Date).getTime(),
        key,
        window: String(r.get('window')),
        start: (r.get('window_start') as Date).getTime(),
      });
    }
  }
  const watermarks = cqlPorts(session, pipeline).watermarks;
  return { rows, lateKeys, deadLetterKeys, open, shards: await watermarks.readShards() };
}
