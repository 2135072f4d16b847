import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ShardCheckpoint, ShardCheckpoints } from '#lib/store/checkpoints';
import { applySchema } from '#lib/store/schema/apply';
import { schemaConnection } from '#lib/store/schema/connection';
import { CORE_TABLES } from '#lib/store/schema/core-tables';
import { storeSession } from '../helpers/integration-config.ts';

const { config, client, session } = storeSession();
const probe = session.table('lwt_probe');

beforeAll(async () => {
  await applySchema(schemaConnection(client), config.cassandra, CORE_TABLES);
  await client.execute(
    `CREATE TABLE IF NOT EXISTS ${probe} (id text PRIMARY KEY, version bigint, total bigint)`,
  );
});

afterAll(async () => {
  await client.shutdown();
});

describe('schema apply against the real Cassandra', () => {
  it('created the core tables, and a second apply finds them all', async () => {
    const again = await applySchema(schemaConnection(client), config.cassandra, CORE_TABLES);
    expect(again.created).toEqual([]);
    expect(again.existing.sort()).toEqual(CORE_TABLES.map((t) => t.name).sort());
    const tables = await client.execute(
      'SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?',
      [config.cassandra.keyspace],
    );
    expect(tables.rows.map((r) => r.get('table_name'))).toEqual(
      expect.arrayContaining(['shard_checkpoints', 'dead_letters_by_hour']),
    );
  });
});

describe('lightweight transactions', () => {
  it('INSERT ... IF NOT EXISTS applies once, then not', async () => {
    // Act
    const first = await session.execute(
      `INSERT INTO ${probe} (id, version, total) VALUES (?, 1, 10) IF NOT EXISTS`,
      ['row-a'],
    );
    const second = await session.execute(
      `INSERT INTO ${probe} (id, version, total) VALUES (?, 1, 99) IF NOT EXISTS`,
      ['row-a'],
    );

    // Assess
    expect(first.wasApplied()).toBe(true);
    expect(second.wasApplied()).toBe(false);
    expect(second.first()?.get('total')).toBe(10n);
  });

  it('UPDATE ... IF version = ? refuses a stale version and reports the current one', async () => {
    // Prepare
    await session.execute(
      `INSERT INTO ${probe} (id, version, total) VALUES (?, 1, 10) IF NOT EXISTS`,
      ['row-b'],
    );
    const update = `UPDATE ${probe} SET total = ?, version = ? WHERE id = ? IF version = ?`;

    // Act
    const fresh = await session.execute(update, [20n, 2n, 'row-b', 1n]);
    const stale = await session.execute(update, [30n, 2n, 'row-b', 1n]);

    // Assess
    expect(fresh.wasApplied()).toBe(true);
    expect(stale.wasApplied()).toBe(false);
    expect(stale.first()?.get('version')).toBe(2n);
    const row = await session.execute(`SELECT total, version FROM ${probe} WHERE id = ?`, [
      'row-b',
    ]);
    expect(row.first()?.get('total')).toBe(20n);
  });

  it('lets exactly one of many concurrent writers win a version', async () => {
    await session.execute(
      `INSERT INTO ${probe} (id, version, total) VALUES (?, 1, 0) IF NOT EXISTS`,
      ['row-c'],
    );
    const attempts = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        session.execute(`UPDATE ${probe} SET total = ?, version = 2 WHERE id = ? IF version = 1`, [
          BigInt(i + 1),
          'row-c',
        ]),
      ),
    );

    // Under load a contended Paxos round may time out (its outcome unknown): nothing else fails,
    // at most one writer wins, and the row holds a winner's write.
    const failed = attempts.filter((a) => a.status === 'rejected');
    for (const f of failed) expect(String(f.reason)).toMatch(/timeout/i);
    const winners = attempts.flatMap((a, i) =>
      a.status === 'fulfilled' && a.value.wasApplied() ? [BigInt(i + 1)] : [],
    );
    if (failed.length === 0) expect(winners).toHaveLength(1);
    else expect(winners.length).toBeLessThanOrEqual(1);
    // A serial read (on Cassandra) finishes any round still in progress before it answers.
    const row = (
      await session.execute(`SELECT total, version FROM ${probe} WHERE id = ?`, ['row-c'], {
        settled: true,
      })
    ).first();
    if (winners[0] !== undefined) {
      expect(row?.get('version')).toBe(2n);
      expect(row?.get('total')).toBe(winners[0]);
    }
  });
});

describe('ShardCheckpoints', () => {
  it('advances a shard with compare-and-set and keeps sequence numbers exact as big integers', async () => {
    // Prepare: a sequence number far beyond 2^53, as Kinesis issues them.
    const checkpoints = new ShardCheckpoints(session);
    const seq = 49680533081896616395926409078146410642087851730292178946n;
    const advanceShard0 = (
      update: { sequenceNumber: bigint; records: bigint },
      expected: ShardCheckpoint | undefined,
    ) => checkpoints.advance('it', 'stream-a', 'shard-0', update, expected);

    // Act
    const created = await advanceShard0({ sequenceNumber: seq, records: 5n }, undefined);
    const read1 = (await checkpoints.read('it', 'stream-a')).get('shard-0');
    const moved = await advanceShard0({ sequenceNumber: seq + 10n, records: 3n }, read1);
    const stale = await advanceShard0({ sequenceNumber: seq + 99n, records: 1n }, read1);
    const duplicateCreate = await advanceShard0({ sequenceNumber: seq, records: 5n }, undefined);
    const read2 = (await checkpoints.read('it', 'stream-a')).get('shard-0');

    // Assess
    expect([created, moved, stale, duplicateCreate]).toEqual([true, true, false, false]);
    expect(read1).toEqual({
      shardId: 'shard-0',
      sequenceNumber: seq,
      records: 5n,
      version: 1n,
      updatedAt: expect.any(Number),
    });
    expect(read2).toEqual({
      shardId: 'shard-0',
      sequenceNumber: seq + 10n,
      records: 8n,
      version: 2n,
      updatedAt: expect.any(Number),
    });
  });
});
