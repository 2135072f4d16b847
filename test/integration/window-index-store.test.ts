import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count } from '#lib/aggregates/basic';
import { definePipeline } from '#lib/pipeline/define-pipeline';
import { createCassandraClient } from '#lib/store/client';
import { pipelineTables } from '#lib/store/pipeline-tables';
import { applySchema } from '#lib/store/schema/apply';
import { schemaConnection } from '#lib/store/schema/connection';
import { CassandraSession, type CqlClient, sessionOptions } from '#lib/store/session';
import {
  CqlWindowIndex,
  INDEX_BUCKET_MS,
  type IndexedWindow,
  indexSlotOf,
} from '#lib/store/window-index';
import { tumbling } from '#lib/windows/index';
import { inKeyspacesMode, integrationConfig } from '../helpers/integration-config.ts';

const config = integrationConfig();
const client = createCassandraClient(config.cassandra);
const pipeline = definePipeline({
  name: 'it_index_store',
  source: { stream: 's' },
  key: 'user',
  time: 'ts',
  windows: [tumbling('1m')],
  aggregates: { n: count() },
});
const bucketOf = (rangeDeletes: boolean) => 493_000 + (rangeDeletes ? 0 : 1);

beforeAll(async () => {
  await applySchema(schemaConnection(client), config.cassandra, pipelineTables(pipeline));
});
afterAll(() => client.shutdown());

/** Seven windows closing at once (as a minute's windows of many keys do), and one later. */
function entries(bucket: number): IndexedWindow[] {
  const close = bucket * INDEX_BUCKET_MS + 60_000;
  return [
    ...Array.from({ length: 7 }, (_, i) => ({
      closeAt: close,
      key: `k${i}`,
      window: 'tumbling_1m',
      start: close - 60_000,
    })),
    { closeAt: close + 60_000, key: 'k9', window: 'tumbling_1m', start: close },
  ];
}

function pages(index: CqlWindowIndex, bucket: number, size: number) {
  const from = bucket * INDEX_BUCKET_MS;
  return index.duePages(bucket, from, from + INDEX_BUCKET_MS - 1, size);
}

describe.each([
  ['one range deletion (Cassandra)', true],
  ['entry by entry (Keyspaces)', false],
])('dropping a closed page of the open index: %s', (_name, rangeDeletes) => {
  it('drops exactly the page, not the entries closing at the same time after it', async () => {
    // Prepare
    const session = new CassandraSession(client, config.cassandra.keyspace, { rangeDeletes });
    const index = new CqlWindowIndex(session, pipeline);
    const bucket = bucketOf(rangeDeletes);
    await index.addOpen(entries(bucket));
    if (rangeDeletes && inKeyspacesMode()) {
      // Keyspaces has no tuple relations, so cassflow deletes entry by entry there.
      expect(sessionOptions(config.cassandra).rangeDeletes).toBe(false);
      await expect(index.dropClosedPage(entries(bucket).slice(0, 3))).rejects.toThrow(
        /Multi-column relations are not supported/,
      );
      return;
    }
    const first = (await pages(index, bucket, 3).next()).value as IndexedWindow[];

    // Act
    await index.dropClosedPage(first);
    const left: string[] = [];
    for await (const page of pages(index, bucket, 100)) left.push(...page.map((w) => w.key));

    // Assess: a page of at most 3 (Keyspaces may cut it shorter) of one partition, in index
    // order, and exactly the rest left.
    const all = entries(bucket);
    const dropped = first.map((w) => w.key);
    expect(dropped.length).toBeGreaterThan(0);
    expect(dropped.length).toBeLessThanOrEqual(3);
    const slot = indexSlotOf(dropped[0] as string);
    const inSlot = all.filter((w) => indexSlotOf(w.key) === slot).map((w) => w.key);
    expect(dropped).toEqual(inSlot.slice(0, dropped.length));
    const rest = all.map((w) => w.key).filter((k) => !dropped.includes(k));
    expect([...left].sort()).toEqual(rest.sort());
  });
});

describe('the lowest bucket of an index (where a first closer run or sync pass starts)', () => {
  const own = definePipeline({
    name: 'it_index_lowest',
    source: { stream: 's' },
    key: 'user',
    time: 'ts',
    windows: [tumbling('1m')],
    aggregates: { n: count() },
  });

  it('is found without SELECT DISTINCT, which Amazon Keyspaces does not have', async () => {
    // Prepare: entries in buckets far apart, in an order unlike their tokens' order; every
    // statement the index runs is recorded.
    await applySchema(schemaConnection(client), config.cassandra, pipelineTables(own));
    const statements: string[] = [];
    const recording: CqlClient = {
      execute: ((cql: string, ...rest: unknown[]) => {
        statements.push(cql);
        return (client.execute as (...args: unknown[]) => unknown)(cql, ...rest);
      }) as CqlClient['execute'],
      batch: client.batch.bind(client),
      shutdown: client.shutdown.bind(client),
    };
    const index = new CqlWindowIndex(
      new CassandraSession(recording, config.cassandra.keyspace),
      own,
    );
    for (const bucket of [512_007, 512_001, 513_900, 512_042]) {
      await index.addOpen(entries(bucket).slice(0, 2));
    }

    // Act
    const lowest = await index.lowestOpenBucket();
    const lowestClosed = await index.lowestClosedBucket();

    // Assess
    expect(lowest).toBe(512_001);
    expect(lowestClosed).toBeUndefined();
    expect(statements.filter((cql) => cql.includes('token(bucket, slot)')).length).toBeGreaterThan(
      4,
    );
    expect(statements.some((cql) => /DISTINCT/i.test(cql))).toBe(false);
  });
});
