import {
  GetTableCommand,
  KeyspacesClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-keyspaces';
import type { TableStatusReader } from './tables-active.ts';

/** Table statuses from the Keyspaces control plane (GetTable); a missing table reads undefined. */
export function keyspacesStatusReader(client: KeyspacesClient): TableStatusReader {
  return async (keyspaceName, tableName) => {
    try {
      const table = await client.send(new GetTableCommand({ keyspaceName, tableName }));
      return table.status;
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw error;
    }
  };
}

export function createKeyspacesClient(region: string): KeyspacesClient {
  return new KeyspacesClient({ region });
}
