import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeleteStreamCommand,
  type KinesisClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-kinesis';
import type { CassandraConfig } from '../../config/config.ts';
import { streamExists } from '../../kinesis/streams.ts';
import { createCassandraClient } from '../../store/client.ts';

/** Deletes the stream (if there) and waits until it is gone. */
export async function deleteStream(client: KinesisClient, stream: string, timeoutMs = 30_000) {
  try {
    await client.send(
      new DeleteStreamCommand({ StreamName: stream, EnforceConsumerDeletion: true }),
    );
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return;
    throw error;
  }
  const deadline = Date.now() + timeoutMs;
  while (await streamExists(client, stream)) {
    if (Date.now() > deadline)
      throw new Error(`stream ${stream} still exists after ${timeoutMs} ms`);
    await sleep(200);
  }
}

/** Drops the keyspace (if there): the demo's results start from nothing each run. */
export async function dropKeyspace(config: CassandraConfig): Promise<void> {
  const client = createCassandraClient(config);
  try {
    await client.execute(`DROP KEYSPACE IF EXISTS "${config.keyspace}"`);
  } finally {
    await client.shutdown();
  }
}
