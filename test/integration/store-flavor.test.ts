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
});
