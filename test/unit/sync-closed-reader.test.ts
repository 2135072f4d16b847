import { setTimeout as sleep } from 'node:timers/promises';
import type { ArrayOrObject } from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { count } from '#lib/aggregates/basic';
import { definePipeline } from '#lib/pipeline/define-pipeline';
import { inFlightLimit } from '#lib/store/in-flight';
import { CassandraSession, type CqlClient } from '#lib/store/session';
import {
  closedWindowReader,
  planClosedSlices,
  ROW_READS_IN_FLIGHT,
} from '#lib/sync/closed-windows';
import type { SyncSchema } from '#lib/sync/target';
import { tumbling } from '#lib/windows/index';

const pipeline = definePipeline({
  name: 'cw_reader',
  source: { stream: 's' },
  key: 'user',
  time: 'ts',
  windows: [tumbling('1m')],
  aggregates: { n: count() },
});
const scalar = (name: 'text' | 'bigint') => ({ kind: 'scalar', name }) as const;
const schema: SyncSchema = {
  keyspace: 'ks',
  table: 'cw_reader_windows',
  columns: [
    { name: 'key', type: scalar('text'), cqlType: 'text', kind: 'partition_key' },
    { name: 'events', type: scalar('bigint'), cqlType: 'bigint', kind: 'regular' },
  ],
  primaryKey: ['key'],
};

function row(values: Record<string, unknown>) {
  return { get: (name: string) => values[name] };
}

/** A store whose index pages list 500 windows and whose row reads take a while. */
function slowStore() {
  let inFlight = 0;
  let most = 0;
  const execute = async (cql: string, _params?: ArrayOrObject) => {
    if (cql.includes('_closed_windows')) {
      const rows = Array.from({ length: 500 }, (_, i) =>
        row({ key: `k${i}`, window: 'tumbling_1m', window_start: new Date(0) }),
      );
      return { rows, pageState: null };
    }
    inFlight++;
    most = Math.max(most, inFlight);
    await sleep(1);
    inFlight--;
    const only = row({ key: 'k', events: 1n });
    return { rows: [only], first: () => only };
  };
  const client = { execute, batch: execute, shutdown: async () => {} } as unknown as CqlClient;
  return { session: new CassandraSession(client, 'ks'), most: () => most };
}

describe('the closed-windows reader', () => {
  it(`keeps at most ${ROW_READS_IN_FLIGHT} final-row reads in flight over all its ranges`, async () => {
    const store = slowStore();
    const read = closedWindowReader(store.session, pipeline, schema, 500);
    const ranges = planClosedSlices(0, 3_600_000 - 1).slice(0, 4);
    const pages = await Promise.all(ranges.map((range) => read(range, undefined)));
    expect(pages.map((p) => p.rows.length)).toEqual([500, 500, 500, 500]);
    expect(store.most()).toBe(ROW_READS_IN_FLIGHT);
  });
});

describe('inFlightLimit', () => {
  it('never runs more than its limit at once, and runs everything (property of any order)', async () => {
    const limit = inFlightLimit(3);
    let active = 0;
    let most = 0;
    const done = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limit(async () => {
          active++;
          most = Math.max(most, active);
          await sleep(i % 3);
          active--;
          if (i === 7) throw new Error('seven');
          return i;
        }).catch(() => -1),
      ),
    );
    expect(most).toBe(3);
    expect(done.filter((d) => d >= 0)).toHaveLength(19);
  });
});
