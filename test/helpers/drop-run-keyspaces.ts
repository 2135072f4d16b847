import type { CassandraConfig } from '#lib/config/cassandra';
import { createCassandraClient } from '#lib/store/client';

/**
 * Drops the keyspaces a test run made (its keyspace and those named after it). Left behind, they
 * pile up run after run in a developer's local Cassandra, and Paxos v2's merge of uncommitted
 * data, every 5 minutes over every table, then stalls the node for a minute at a time.
 */
export async function dropRunKeyspaces(config: CassandraConfig, prefix: string): Promise<string[]> {
  const client = createCassandraClient(config);
  try {
    const result = await client.execute('SELECT keyspace_name FROM system_schema.keyspaces');
    const names = result.rows
      .map((row) => String(row.keyspace_name))
      .filter((name) => name.startsWith(prefix));
    for (const name of names) await client.execute(`DROP KEYSPACE IF EXISTS "${name}"`);
    return names;
  } finally {
    await client.shutdown();
  }
}
