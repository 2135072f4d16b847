import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  ListShardsCommand,
  ResourceNotFoundException,
  type Shard,
} from '@aws-sdk/client-kinesis';

/** Creates the stream if it is missing and waits until it is ACTIVE. */
export async function ensureStream(
  client: KinesisClient,
  name: string,
  shardCount: number,
  timeoutMs = 60_000,
): Promise<'created' | 'existing'> {
  let outcome: 'created' | 'existing' = 'existing';
  try {
    await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shardCount }));
    outcome = 'created';
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    const status = summary.StreamDescriptionSummary?.StreamStatus;
    if (status === 'ACTIVE') return outcome;
    if (Date.now() > deadline)
      throw new Error(`stream ${name} is still ${status} after ${timeoutMs} ms`);
    await sleep(250);
  }
}

/** Every shard of the stream, following ListShards pagination. */
export async function listShards(client: KinesisClient, stream: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListShardsCommand(nextToken ? { NextToken: nextToken } : { StreamName: stream }),
    );
    shards.push(...(page.Shards ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return shards;
}

/** True when the stream exists, whatever its status. */
export async function streamExists(client: KinesisClient, name: string): Promise<boolean> {
  try {
    await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
}

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
