import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count } from '#lib/aggregates/basic';
import { definePipeline } from '#lib/pipeline/define-pipeline';
import { CqlWindowRows } from '#lib/store/cql-window-rows';
import { pipelineTables } from '#lib/store/pipeline-tables';
import { bigintKeyPart, routingKey, textKeyPart } from '#lib/store/replica-groups';
import { applySchema } from '#lib/store/schema/apply';
import { schemaConnection } from '#lib/store/schema/connection';
import type { WindowRowState } from '#lib/store/window-rows';
import { tumbling } from '#lib/windows/index';
import { inKeyspacesMode, storeSession } from '../helpers/integration-config.ts';

const { config, client, session } = storeSession();
const pipeline = definePipeline({
  name: 'it_rows_store',
  source: { stream: 's' },
  key: 'user',
  time: 'ts',
  windows: [tumbling('1m')],
  aggregates: { n: count() },
});
const rows = new CqlWindowRows(session, pipeline);
const T0 = Date.UTC(2026, 6, 1);

function state(n: bigint, version: bigint): WindowRowState {
  return {
    end: T0 + 60_000,
    final: false,
    events: n,
    results: [n],
    acc: new Uint8Array([1, 2, 3]),
    version,
    fences: new Map([['shardId-000000000000', 10n ** 40n + n]]),
  };
}

beforeAll(async () => {
  await applySchema(schemaConnection(client), config.cassandra, pipelineTables(pipeline));
});
afterAll(() => client.shutdown());

describe('the window rows store on a real Cassandra', () => {
  it("serializes a row's partition key as Cassandra does: the same token", async () => {
    // Prepare
    const id = { key: 'ünï', window: 'tumbling_1m', bucket: 29_345_123, start: T0 };
    await rows.create(id, state(1n, 1n));

    // Act
    const result = await client.execute(
      `SELECT token(key, window, bucket) AS t FROM ${session.table(pipeline.tables.windows)} WHERE key = ? AND window = ? AND bucket = ?`,
      [id.key, id.window, BigInt(id.bucket)],
      { prepare: true },
    );
    const tokenizer = (
      client.metadata as unknown as { tokenizer: { hash(b: Buffer): { getValue(): unknown } } }
    ).tokenizer;
    const ours = tokenizer.hash(
      routingKey([textKeyPart(id.key), textKeyPart(id.window), bigintKeyPart(id.bucket)]),
    );

    // Assess
    expect(String(ours.getValue())).toBe(String(result.first()?.get('t')));
    expect(session.replicasOf(routingKey([textKeyPart(id.key)]))).toMatch(/127\.0\.0\.1/);
  });

  it('answers a lost conditional insert with the row that exists', async () => {
    // Prepare
    const id = { key: 'twice', window: 'tumbling_1m', bucket: 1, start: T0 };
    await rows.create(id, state(4n, 3n));

    // Act
    const again = await rows.create(id, state(9n, 1n));

    // Assess
    expect(again.created).toBe(false);
    expect(again.created ? undefined : again.existing).toMatchObject({
      events: 4n,
      version: 3n,
      fences: new Map([['shardId-000000000000', 10n ** 40n + 4n]]),
    });
  });

  it('writes the rows of a partition all together or not at all (Cassandra; Keyspaces refuses the conditional batch)', async () => {
    // Prepare: one row exists at version 1, the other not.
    const partition = { key: 'batch', window: 'tumbling_1m', bucket: 1 };
    await rows.create({ ...partition, start: T0 }, state(1n, 1n));
    const staleWrites = [
      { start: T0, state: state(2n, 2n), expectedVersion: 7n },
      { start: T0 + 60_000, state: state(5n, 1n) },
    ];
    if (inKeyspacesMode()) {
      // So the engine writes row by row there.
      expect(rows.partitionWrites).toBe(false);
      await expect(rows.writePartition(partition, staleWrites)).rejects.toThrow(
        /Conditional statements are not supported in batches/,
      );
      return;
    }

    // Act: a stale version on the existing row fails the whole batch, then the right one applies.
    const stale = await rows.writePartition(partition, staleWrites);
    const afterStale = await rows.readMany(partition, [T0, T0 + 60_000]);
    const fresh = await rows.writePartition(partition, [
      { start: T0, state: state(2n, 2n), expectedVersion: 1n },
      { start: T0 + 60_000, state: state(5n, 1n) },
    ]);
    const afterFresh = await rows.readMany(partition, [T0, T0 + 60_000]);

    // Assess
    expect(stale).toBe(false);
    expect(afterStale.map((r) => [r.start - T0, r.events])).toEqual([[0, 1n]]);
    expect(fresh).toBe(true);
    expect(afterFresh.map((r) => [r.start - T0, r.events, r.version])).toEqual([
      [0, 2n, 2n],
      [60_000, 5n, 1n],
    ]);
  });

  it('makes rows final (one conditional batch per partition on Cassandra, row by row on Keyspaces); a window never written reads as final and is not listed', async () => {
    // Prepare: one row written, one final already (a closer that ran before), one never written.
    const written = { key: 'marked', window: 'tumbling_1m', bucket: 1, start: T0 };
    const already = { ...written, start: T0 + 60_000 };
    const never = { ...written, start: T0 + 120_000 };
    await rows.create(written, state(3n, 1n));
    await rows.create(already, { ...state(2n, 1n), final: true });

    // Act
    await rows.finalize([written, already, never]);

    // Assess
    expect(await rows.read(written)).toMatchObject({ final: true, events: 3n, version: 1n });
    expect(await rows.read(already)).toMatchObject({ final: true, events: 2n, version: 1n });
    expect(await rows.read(never)).toMatchObject({ final: true, events: 0n, version: 0n });
    const listed = await rows.readRange(written, T0, T0 + 180_000);
    expect(listed.map((r) => r.start - T0)).toEqual([0, 60_000]);
    const scanned = [];
    for await (const row of rows.scan('marked')) scanned.push(row.start - T0);
    expect(scanned).toEqual([0, 60_000]);
  });

  it("keeps a pane's partials, adding to them without replacing the map", async () => {
    // Prepare
    const pane = { key: 'p', window: 'sliding_2m_1m#panes', bucket: 1, start: T0 };
    const first = { ...state(1n, 1n), partials: new Map([[T0 + 60_000, new Uint8Array([1, 2])]]) };
    await rows.create(pane, first);

    // Act: a later write carries one partial more (and the old one again).
    const second = {
      ...state(1n, 2n),
      partials: new Map([
        [T0 + 60_000, new Uint8Array([1, 2])],
        [T0 + 120_000, new Uint8Array([3])],
      ]),
    };
    const applied = await rows.update(pane, second, 1n);
    const settled = await rows.readSettled(pane, T0, T0 + 60_000);

    // Assess
    expect(applied).toBe(true);
    expect(settled).toHaveLength(1);
    expect([...(settled[0]?.partials ?? [])].map(([g, b]) => [g - T0, [...b]])).toEqual([
      [60_000, [1, 2]],
      [120_000, [3]],
    ]);
  });
});
