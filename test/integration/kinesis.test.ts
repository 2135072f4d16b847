import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, describe, expect, it } from 'vitest';
import { createKinesisClient } from '#lib/kinesis/client';
import { putRecords } from '#lib/kinesis/producer';
import { readShardToTip } from '#lib/kinesis/shard-reader';
import { ensureStream, listShards } from '#lib/kinesis/streams';
import { integrationConfig } from '../helpers/integration-config.ts';

const config = integrationConfig();
const client = createKinesisClient(config.kinesis);
const stream = `it-${Date.now().toString(36)}`;

afterAll(() => client.destroy());

describe('Kinesis emulator round trip', () => {
  it('talks HTTP/1.1 to the emulator', async () => {
    expect(client.config.requestHandler).toBeInstanceOf(NodeHttpHandler);
    await expect(client.send(new ListStreamsCommand({}))).resolves.toHaveProperty('StreamNames');
  });

  it('puts records, lists shards and reads every record back in order per shard', async () => {
    // Prepare
    expect(await ensureStream(client, stream, 3)).toBe('created');
    expect(await ensureStream(client, stream, 3)).toBe('existing');
    const entries = Array.from({ length: 120 }, (_, i) => ({
      Data: Buffer.from(JSON.stringify({ i })),
      PartitionKey: `key-${i % 11}`,
    }));

    // Act
    const put = await putRecords(client, stream, entries);
    const shards = await listShards(client, stream);
    const byShard = await Promise.all(
      shards.map((s) => readShardToTip(client, stream, s.ShardId ?? '', { type: 'TRIM_HORIZON' })),
    );

    // Assess
    expect(shards).toHaveLength(3);
    expect(put.sequenceNumbers.filter(Boolean)).toHaveLength(120);
    const read = byShard.flat().map((r) => JSON.parse(Buffer.from(r.Data ?? []).toString()).i);
    expect(read.sort((a, b) => a - b)).toEqual(entries.map((_, i) => i));
    for (const records of byShard) {
      const seqs = records.map((r) => BigInt(r.SequenceNumber ?? '0'));
      expect(seqs).toEqual([...seqs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    }
  });

  it('reads only what came after a sequence number', async () => {
    const first = await putRecords(client, stream, [{ Data: Buffer.from('a'), PartitionKey: 'p' }]);
    const second = await putRecords(client, stream, [
      { Data: Buffer.from('b'), PartitionKey: 'p' },
    ]);
    const shardId = first.shardIds[0] ?? '';
    expect(second.shardIds[0]).toBe(shardId);
    const after = await readShardToTip(client, stream, shardId, {
      type: 'AFTER_SEQUENCE_NUMBER',
      sequenceNumber: first.sequenceNumbers[0] ?? '',
    });
    expect(after.map((r) => r.SequenceNumber)).toEqual([second.sequenceNumbers[0]]);
  });

  it('writes 30 single records without a spurious protocol error', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        putRecords(client, stream, [{ Data: Buffer.from(String(i)), PartitionKey: `s-${i}` }], 1),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
  });
});
