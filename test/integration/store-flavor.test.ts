import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyspacesModeClient } from '#lib/store/keyspaces-mode/keyspaces-mode-client';
import { applySchema } from '#lib/store/schema/apply';
import { schemaConnection } from '#lib/store/schema/connection';
import { CORE_TABLES } from '#lib/store/schema/core-tables';
import { readTokenRing } from '#lib/sync/token-ring';
import { inKeyspacesMode, storeSession } from '../helpers/integration-config.ts';

const { config, client, session } = storeSession();
const checkpoints = session.table('shard_checkpoints');
beforeAll(() => applySchema(schemaConnection(client), config.cassandra, CORE_TABLES));
afterAll(() => client.shutdown());

/** RandomPartitioner's token: the key's MD5 as a signed 128-bit integer, made positive. */
function randomPartitionerToken(key: string): bigint {
  const md5 = BigInt(`0x${createHash('md5').update(key).digest('hex')}`);
  const signed = md5 >= 2n ** 127n ? md5 - 2n ** 128n : md5;
  return signed < 0n ? -signed : signed;
}

describe('the store flavor of the run', () => {
  it('hashes keys as the store it stands for does, and reports that partitioner', async () => {
    const row = (await client.execute("SELECT token('page-7') AS t FROM system.local")).first();
    const local = (
      await session.execute('SELECT partitioner FROM system.local', [], { idempotent: true })
    ).first();
    const ring = await readTokenRing(session);
    if (inKeyspacesMode()) {
      expect(String(row?.get('t'))).toBe(String(randomPartitionerToken('page-7')));
      expect(local?.get('partitioner')).toBe('com.amazonaws.cassandra.DefaultPartitioner');
      expect(ring.space.max).toBe(2n ** 127n);
    } else {
      expect(typeof row?.get('t')).toBe('bigint');
      expect(local?.get('partitioner')).toBe('org.apache.cassandra.dht.Murmur3Partitioner');
      expect(ring.space.max).toBe(2n ** 63n - 1n);
    }
  });

  it('refuses what Amazon Keyspaces refuses only in Keyspaces mode, with its reason', async () => {
    const select = `SELECT DISTINCT consumer, stream FROM ${checkpoints}`;
    if (inKeyspacesMode()) {
      expect(client).toBeInstanceOf(KeyspacesModeClient);
      await expect(session.execute(select)).rejects.toThrow(
        /SELECT DISTINCT is not supported \(Keyspaces rule: https:\/\/docs\.aws\.amazon\.com\/keyspaces\//,
      );
    } else {
      expect(client).not.toBeInstanceOf(KeyspacesModeClient);
      await expect(session.execute(select)).resolves.toBeDefined();
    }
  });

  it('meters capacity in Keyspaces mode: a row write bills 1 WRU per KB to its table', async () => {
    if (!(client instanceof KeyspacesModeClient)) {
      expect(inKeyspacesMode()).toBe(false);
      return;
    }
    const billed = () => client.capacity.report().tables[checkpoints]?.wru ?? 0;
    const before = billed();
    await session.execute(
      `INSERT INTO ${checkpoints} (consumer, stream, shard_id, records, version) VALUES (?, ?, ?, ?, ?)`,
      ['x'.repeat(2000), 's', 'shard', 1n, 1n],
    );
    // 2,000 bytes of key, 22 of other values and about 100 of metadata: 3 KB begun.
    expect(billed() - before).toBe(3);
  });

  it('cuts pages short and returns empty pages with a paging state only in Keyspaces mode; reading every page still gets every row', async () => {
    const rows = 40;
    for (let i = 0; i < rows; i++) {
      await session.execute(
        `INSERT INTO ${checkpoints} (consumer, stream, shard_id, records) VALUES ('pages', 's', ?, 1)`,
        [`shard-${String(i).padStart(3, '0')}`],
      );
    }
    const select = `SELECT shard_id FROM ${checkpoints} WHERE consumer = 'pages' AND stream = 's'`;
    let short = 0;
    let empty = 0;
    for (let read = 0; read < 100; read++) {
      let pageState: string | undefined;
      let seen = 0;
      let first = true;
      do {
        const page = await session.execute(select, [], {
          idempotent: true,
          fetchSize: 10,
          ...(pageState ? { pageState } : {}),
        });
        pageState = page.pageState ?? undefined;
        if (page.rows.length === 0 && pageState) empty += 1;
        else if (first && page.rows.length < 10) short += 1;
        first = false;
        seen += page.rows.length;
      } while (pageState);
      expect(seen).toBe(rows);
    }
    if (inKeyspacesMode()) {
      // One first page in five is cut, one later page in ten is empty: none in 100 reads is
      // less likely than 1 in a million.
      expect(short).toBeGreaterThan(0);
      expect(empty).toBeGreaterThan(0);
    } else {
      expect([short, empty]).toEqual([0, 0]);
    }
  });
});
