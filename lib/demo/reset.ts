import type { CassandraConfig } from '../config/config.ts';
import { createCassandraClient } from '../store/client.ts';

/** Drops the keyspace (if there): the demo's results start from nothing each run. */
export async function dropKeyspace(config: CassandraConfig): Promise<void> {
  const client = createCassandraClient(config);
  try {
    await client.execute(`DROP KEYSPACE IF EXISTS "${config.keyspace}"`);
  } finally {
    await client.shutdown();
  }
}
