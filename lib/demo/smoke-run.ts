import { randomUUID } from 'node:crypto';
import type { CassflowConfig } from '../config/config.ts';
import { createKinesisClient } from '../kinesis/client.ts';
import { putRecords } from '../kinesis/producer.ts';
import { readShardToTip } from '../kinesis/shard-reader.ts';
import { ensureStream, listShards } from '../kinesis/streams.ts';
import { ShardCheckpoints } from '../store/checkpoints.ts';
import { createCassandraClient } from '../store/client.ts';
import { applySchema } from '../store/schema/apply.ts';
import { schemaConnection } from '../store/schema/connection.ts';
import { CORE_TABLES } from '../store/schema/core-tables.ts';
import { CassandraSession, sessionOptions } from '../store/session.ts';

export const SMOKE_STREAM = 'cassflow-smoke';
const CONSUMER = 'cassflow-smoke';

export type SmokeResult = {
  runId: string;
  put: number;
  read: number;
  shards: number;
  checkpointsAdvanced: number;
  staleWriteRejected: boolean;
};

/**
 * The end-to-end check of the foundation: apply the schema, put records into Kinesis, read every
 * shard back from its stored checkpoint, and advance the checkpoints with conditional writes
 * (showing that a stale write is refused). Throws when anything does not add up.
 */
export async function runSmoke(
  config: CassflowConfig,
  report: (line: string) => void,
  recordCount = 200,
): Promise<SmokeResult> {
  const runId = randomUUID();
  const client = createCassandraClient(config.cassandra);
  const kinesis = createKinesisClient(config.kinesis);
  try {
    const schema = await applySchema(schemaConnection(client), config.cassandra, CORE_TABLES, {
      report,
    });
    report(
      `Schema ${config.cassandra.keyspace}: created [${schema.created.join(', ')}], ` +
        `already there [${schema.existing.join(', ')}]`,
    );

    const stream = await ensureStream(kinesis, SMOKE_STREAM, 2);
    const events = Array.from({ length: recordCount }, (_, i) => ({
      runId,
      id: i,
      page: `/page/${i % 7}`,
      ms: 10 + (i % 50),
      ts: Date.now(),
    }));
    const started = Date.now();
    const put = await putRecords(
      kinesis,
      SMOKE_STREAM,
      events.map((e) => ({ Data: Buffer.from(JSON.stringify(e)), PartitionKey: e.page })),
    );
    report(
      `Put ${events.length} records into stream ${SMOKE_STREAM} (${stream}) in ` +
        `${Date.now() - started} ms, ${put.attempts} PutRecords call(s)`,
    );

    const session = new CassandraSession(
      client,
      config.cassandra.keyspace,
      sessionOptions(config.cassandra),
    );
    const checkpoints = new ShardCheckpoints(session);
    const before = await checkpoints.read(CONSUMER, SMOKE_STREAM);
    const shards = await listShards(kinesis, SMOKE_STREAM);
    const seen = new Map<number, number>();
    let advanced = 0;
    let staleWriteRejected = false;
    for (const shard of shards) {
      const shardId = shard.ShardId ?? '';
      const checkpoint = before.get(shardId);
      const records = await readShardToTip(
        kinesis,
        SMOKE_STREAM,
        shardId,
        checkpoint
          ? { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: checkpoint.sequenceNumber.toString() }
          : { type: 'TRIM_HORIZON' },
      );
      for (const record of records) {
        const event = JSON.parse(Buffer.from(record.Data ?? new Uint8Array()).toString('utf8'));
        if (event.runId === runId) seen.set(event.id, (seen.get(event.id) ?? 0) + 1);
      }
      const last = records.at(-1)?.SequenceNumber;
      if (!last) continue;
      const update = { sequenceNumber: BigInt(last), records: BigInt(records.length) };
      if (!(await checkpoints.advance(CONSUMER, SMOKE_STREAM, shardId, update, checkpoint))) {
        throw new Error(`checkpoint of ${shardId} moved under this run: is another smoke running?`);
      }
      advanced += 1;
      // Replaying the same write from the version read before must now be refused.
      staleWriteRejected =
        !(await checkpoints.advance(CONSUMER, SMOKE_STREAM, shardId, update, checkpoint)) ||
        staleWriteRejected;
      report(`Shard ${shardId}: read ${records.length} record(s), checkpoint now ${last}`);
    }

    const missing = events.filter((e) => !seen.has(e.id)).length;
    const duplicated = [...seen.values()].filter((n) => n > 1).length;
    if (missing > 0 || duplicated > 0) {
      throw new Error(
        `read back ${seen.size}/${events.length}: ${missing} missing, ${duplicated} twice`,
      );
    }
    if (!staleWriteRejected) throw new Error('a stale checkpoint write was applied');
    report(
      `Read back all ${events.length} records exactly once from ${shards.length} shard(s); ` +
        `advanced ${advanced} checkpoint(s) with IF NOT EXISTS / IF version = ?, and a replayed ` +
        'stale write was rejected',
    );
    return {
      runId,
      put: events.length,
      read: seen.size,
      shards: shards.length,
      checkpointsAdvanced: advanced,
      staleWriteRejected,
    };
  } finally {
    kinesis.destroy();
    await client.shutdown();
  }
}
