import { afterAll, describe, expect, it } from 'vitest';
import { applySchema } from '#lib/store/schema/apply';
import { schemaConnection } from '#lib/store/schema/connection';
import { DEAD_LETTERS } from '#lib/store/schema/core-tables';
import { createTableCql } from '#lib/store/schema/ddl';
import { inKeyspacesMode, storeSession } from '../helpers/integration-config.ts';

const { config, client, session } = storeSession();
afterAll(() => client.shutdown());

describe('a table an earlier cassflow made without a TTL', () => {
  it('gets TTL turned on by the schema step, so rows written USING TTL are taken on Keyspaces', async () => {
    // Arrange: the dead-letter table's shape with TTL off, as tables made before it had one.
    const name = `ttl_off_${Date.now().toString(36)}`;
    const { ttlSeconds, ...withoutTtl } = { ...DEAD_LETTERS, name };
    const connection = schemaConnection(client);
    await applySchema(connection, config.cassandra, [withoutTtl]);
    const insert = `INSERT INTO ${session.table(name)} (source, hour, shard_id, sequence_number, reason) VALUES (?, ?, ?, ?, ?) USING TTL ?`;
    const write = () => session.execute(insert, ['s', new Date(0), 'shard', 1n, 'r', 60]);
    const refused = await write().then(
      () => undefined,
      (error: Error) => error.message,
    );

    // Act
    const result = await applySchema(connection, config.cassandra, [{ ...withoutTtl, ttlSeconds }]);
    await write();
    const table = await session.execute(
      'SELECT default_time_to_live FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?',
      [config.cassandra.keyspace, name],
    );

    // Assess: Keyspaces refuses USING TTL with TTL off (Cassandra takes it either way).
    expect(refused).toEqual(
      inKeyspacesMode() ? expect.stringMatching(/TTL is not enabled on this table/) : undefined,
    );
    expect(createTableCql(config.cassandra.keyspace, withoutTtl)).not.toMatch(
      /default_time_to_live/,
    );
    expect(result.altered).toEqual([name]);
    expect(table.first()?.get('default_time_to_live')).toBe(ttlSeconds);
  });
});
