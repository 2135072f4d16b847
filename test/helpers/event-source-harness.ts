import { setTimeout as sleep } from 'node:timers/promises';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { CassandraPositions } from '#lib/emulator/event-source/positions';
import { createKinesisClient } from '#lib/kinesis/client';
import { putRecords } from '#lib/kinesis/producer';
import { deleteStream, ensureStream } from '#lib/kinesis/streams';
import { createCassandraClient } from '#lib/store/client';
import { applySchema } from '#lib/store/schema/apply';
import { schemaConnection } from '#lib/store/schema/connection';
import { CORE_TABLES } from '#lib/store/schema/core-tables';
import { CassandraSession, sessionOptions } from '#lib/store/session';
import { integrationConfig } from './integration-config.ts';

/** The Kinesis emulator and Cassandra (for positions) of the run, and a way to fill streams. */
export async function eventSourceHarness() {
  const config = integrationConfig();
  const kinesis = createKinesisClient(config.kinesis);
  const cassandra = createCassandraClient(config.cassandra);
  await applySchema(schemaConnection(cassandra), config.cassandra, CORE_TABLES);
  const session = new CassandraSession(
    cassandra,
    config.cassandra.keyspace,
    sessionOptions(config.cassandra),
  );
  const streams: string[] = [];
  return {
    kinesis,
    session,
    positions: (mapping: string, stream: string) =>
      new CassandraPositions(session, mapping, stream),
    /** A new stream of `shards` shards, named after the test. */
    stream: async (name: string, shards: number) => {
      const stream = `es-${name}-${Date.now().toString(36)}`;
      await ensureStream(kinesis, stream, shards);
      streams.push(stream);
      return stream;
    },
    put: (stream: string, records: readonly { id: number; key: string }[]) =>
      putJson(kinesis, stream, records),
    /** Deletes the streams it made (the local Kinesis keeps every record in memory). */
    close: async () => {
      await Promise.all(streams.map((s) => deleteStream(kinesis, s)));
      kinesis.destroy();
      await cassandra.shutdown();
    },
  };
}

/**
 * Puts `{id, key}` records with `key` as the partition key, in order, through cassflow's producer:
 * one call at a time, so the entries a shard refuses over its write rate are put again before
 * anything newer and each key keeps its order.
 */
export async function putJson(
  kinesis: KinesisClient,
  stream: string,
  records: readonly { id: number; key: string }[],
): Promise<void> {
  const entries = records.map((r) => ({
    Data: Buffer.from(JSON.stringify(r)),
    PartitionKey: r.key,
  }));
  await putRecords(kinesis, stream, entries, 60);
}

/** Polls `condition` until it holds, or fails naming what was awaited. */
export async function waitFor(
  what: string,
  condition: () => boolean,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

/** Settings that keep tests quick: fast polling and shard discovery, short retry pauses. */
export const FAST = { pollIntervalMs: 100, shardRefreshMs: 300, retryDelayMs: 10 } as const;
