import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { KinesisStreamBatchResponse } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSinkHandler } from '#lib/lambda/sink-handler';
import { defineSink } from '#lib/pipeline/define-sink';
import type { SinkBatchResult, SinkPorts } from '#lib/sink/process-sink-batch';
import { createCassandraClient } from '#lib/store/client';
import { tablesOf } from '#lib/store/pipeline-tables';
import { applySchema } from '#lib/store/schema/apply';
import { schemaConnection } from '#lib/store/schema/connection';
import { CORE_TABLES, DEAD_LETTERS } from '#lib/store/schema/core-tables';
import { CassandraSession, sessionOptions } from '#lib/store/session';
import { utcHour } from '#lib/store/utc-periods';
import { allRows, integrationConfig } from '../helpers/integration-config.ts';
import {
  jsonRecord,
  kinesisEvent,
  type ShardRecord,
  sequenceNumber,
} from '../helpers/kinesis-events.ts';
import { lambdaContext } from '../helpers/lambda-context.ts';

const T0 = Date.UTC(2026, 4, 1);
const sink = defineSink({
  name: 'it_sink',
  source: { stream: 'orders' },
  table: 'it_sink_orders',
  columns: {
    customer: { from: 'customer.id', type: 'text' },
    order_id: { from: 'id', type: 'uuid' },
    placed_at: { from: 'at', type: 'timestamp' },
    items: { from: 'items', type: 'int' },
    amount: { from: 'amount', type: 'double' },
    gift: { from: 'gift', type: 'boolean', optional: true },
  },
  primaryKey: { partition: ['customer'], clustering: ['order_id'] },
});

const shard = 'shardId-000000000007';
let position = 0;
const record = (payload: unknown): ShardRecord =>
  jsonRecord(shard, sequenceNumber(7, position++), payload);
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const order = (n: number, extra: Record<string, unknown> = {}) => ({
  customer: { id: `c${n % 3}` },
  id: uuid(n),
  at: T0 + n * 1000,
  items: n,
  amount: n * 2.5,
  ...extra,
});

let session: CassandraSession;
const failItems = new Set<number>();
const results: SinkBatchResult[] = [];
let handler: ReturnType<typeof createSinkHandler>;
const invoke = (records: ShardRecord[]) =>
  handler(kinesisEvent(records), lambdaContext()) as Promise<KinesisStreamBatchResponse>;

beforeAll(async () => {
  const config = integrationConfig();
  const client = createCassandraClient(config.cassandra);
  session = new CassandraSession(
    client,
    config.cassandra.keyspace,
    sessionOptions(config.cassandra),
  );
  await applySchema(schemaConnection(client), config.cassandra, [
    ...CORE_TABLES,
    ...tablesOf(sink),
  ]);
  handler = createSinkHandler(sink, {
    session: () => session,
    logger: new Logger({ serviceName: 'cassflow-test', logLevel: 'ERROR' }),
    metrics: new Metrics({ namespace: 'cassflow-test', serviceName: sink.name }),
    onBatch: (r) => results.push(r),
    // Fails the inserts of the items counts in `failItems` before they reach Cassandra.
    wrapPorts: (ports: SinkPorts): SinkPorts => ({
      ...ports,
      table: {
        insert: async (values) => {
          if (failItems.delete(values[3] as number)) throw new Error('injected: timeout');
          await ports.table.insert(values);
        },
      },
    }),
  });
});
afterAll(() => session.shutdown());

async function rows() {
  const result = await allRows(
    session,
    `SELECT customer, order_id, placed_at, items, amount, gift FROM ${session.table(sink.table)}`,
  );
  return result
    .map((r) => ({
      customer: r.get('customer'),
      order_id: String(r.get('order_id')),
      placed_at: (r.get('placed_at') as Date).getTime(),
      items: r.get('items'),
      amount: r.get('amount'),
      gift: r.get('gift'),
    }))
    .sort((a, b) => a.order_id.localeCompare(b.order_id));
}

describe('the plain sink on a real Cassandra', () => {
  it('upserts one typed row per record, dead-letters bad ones, and a replay changes nothing', async () => {
    // Arrange: order 2 twice (the later one wins), one gift flag, four bad records (two with
    // keys the table cannot hold: Cassandra refuses an empty partition key, Keyspaces a long one).
    const batch = [
      record(order(1)),
      record(order(2, { items: 99 })),
      record(order(3, { gift: true })),
      record({ ...order(4), items: 'four' }),
      record(order(2)),
      record({ ...order(5), id: 'not-a-uuid' }),
      record({ ...order(6), customer: { id: '' } }),
      record({ ...order(7), customer: { id: 'x'.repeat(2100) } }),
    ];

    // Act
    const first = await invoke(batch);
    const afterFirst = await rows();
    const again = await invoke(batch);
    const dead = await allRows(
      session,
      `SELECT field, reason FROM ${session.table(DEAD_LETTERS.name)} WHERE source = ? AND hour IN ? AND shard_id = ?`,
      [sink.name, [-3_600_000, 0].map((d) => new Date(utcHour(Date.now() + d))), shard],
    );

    // Assess
    expect(first.batchItemFailures).toEqual([]);
    expect(again.batchItemFailures).toEqual([]);
    expect(results[0]).toMatchObject({ records: 8, written: 3, superseded: 1, deadLettered: 4 });
    expect(afterFirst).toEqual([
      {
        customer: 'c1',
        order_id: uuid(1),
        placed_at: T0 + 1000,
        items: 1,
        amount: 2.5,
        gift: null,
      },
      { customer: 'c2', order_id: uuid(2), placed_at: T0 + 2000, items: 2, amount: 5, gift: null },
      {
        customer: 'c0',
        order_id: uuid(3),
        placed_at: T0 + 3000,
        items: 3,
        amount: 7.5,
        gift: true,
      },
    ]);
    expect(await rows()).toEqual(afterFirst);
    expect(dead.map((r) => `${r.get('field')}: ${r.get('reason')}`).sort()).toEqual([
      'customer.id: customer.id: is empty: a partition key may not be (column customer)',
      'customer.id: customer.id: makes the partition key 2103 bytes, over the 2048 Amazon Keyspaces allows (column customer)',
      "id: id: must be a UUID string, got 'not-a-uuid' (column order_id)",
      'items: items: must be a whole number for int, got string (column items)',
    ]);
  });

  it('reports the lowest record not written, and the replay from there completes the table', async () => {
    // Arrange
    const batch = [10, 11, 12, 13].map((n) => record(order(n)));
    failItems.add(11).add(13);

    // Act
    const failed = await invoke(batch);
    const between = (await rows()).map((r) => r.items);
    const from = batch.findIndex(
      (r) => String(r.sequenceNumber) === failed.batchItemFailures[0]?.itemIdentifier,
    );
    const replay = await invoke(batch.slice(from));

    // Assess
    expect(failed.batchItemFailures).toHaveLength(1);
    expect(from).toBe(1);
    expect(between).toEqual([1, 2, 3, 10, 12]);
    expect(replay.batchItemFailures).toEqual([]);
    expect((await rows()).map((r) => r.items)).toEqual([1, 2, 3, 10, 11, 12, 13]);
  });
});
