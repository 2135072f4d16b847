import cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count } from '#lib/aggregates/basic';
import { definePipeline } from '#lib/pipeline/define-pipeline';
import { cassandraClientOptions } from '#lib/store/client';
import { CqlWindowRows } from '#lib/store/cql-window-rows';
import { pipelineTables } from '#lib/store/pipeline-tables';
import { applySchema } from '#lib/store/schema/apply';
import { schemaConnection } from '#lib/store/schema/connection';
import { CassandraSession } from '#lib/store/session';
import type { WindowRowState } from '#lib/store/window-rows';
import { tumbling } from '#lib/windows/index';
import { integrationConfig } from '../helpers/integration-config.ts';

/** Timestamps from a clock this far behind: a client host whose clock is slow. */
class BehindClock extends cassandra.policies.timestampGeneration.MonotonicTimestampGenerator {
  readonly #behindMs: number;

  constructor(behindMs: number) {
    super(1000, 1000);
    this.#behindMs = behindMs;
  }

  override getDate(): number {
    return Date.now() - this.#behindMs;
  }
}

const config = integrationConfig();
const pipeline = definePipeline({
  name: 'it_clock_skew',
  source: { stream: 's' },
  key: 'user',
  time: 'ts',
  windows: [tumbling('1m')],
  aggregates: { n: count() },
});
const T0 = Date.UTC(2026, 7, 1);
const onTime = new cassandra.Client(cassandraClientOptions(config.cassandra));
const slow = new cassandra.Client({
  ...cassandraClientOptions(config.cassandra),
  policies: { timestampGeneration: new BehindClock(30_000) },
});
const writer = new CqlWindowRows(new CassandraSession(onTime, config.cassandra.keyspace), pipeline);

function state(version: bigint): WindowRowState {
  return {
    end: T0 + 60_000,
    final: false,
    events: version,
    results: [version],
    acc: new Uint8Array([1]),
    version,
    fences: new Map([['shard-0', version]]),
  };
}

beforeAll(async () => {
  await applySchema(schemaConnection(onTime), config.cassandra, pipelineTables(pipeline));
});
afterAll(() => Promise.all([onTime.shutdown(), slow.shutdown()]));

describe('a closer on a host whose clock is 30 s slow', () => {
  it("makes windows final for good on Cassandra: the finalizing round's ballot orders it last", async () => {
    // Prepare: a row created and updated with compare-and-set (Paxos ballot timestamps, now).
    const id = { key: 'cas', window: 'tumbling_1m', bucket: 1, start: T0 };
    await writer.create(id, state(1n));
    await writer.update(id, state(2n), 1n);
    const closer = new CqlWindowRows(
      new CassandraSession(slow, config.cassandra.keyspace, { conditionalBatches: true }),
      pipeline,
    );

    // Act
    await closer.finalize([id]);

    // Assess
    expect(await writer.read(id)).toMatchObject({ final: true, events: 2n, version: 2n });
  });

  it('would lose `final` to the earlier update with a plain write: why Cassandra does not use one', async () => {
    // Prepare: the same, finalized the Keyspaces way (plain writes, the client's timestamp).
    const id = { key: 'plain', window: 'tumbling_1m', bucket: 1, start: T0 };
    await writer.create(id, state(1n));
    await writer.update(id, state(2n), 1n);
    const closer = new CqlWindowRows(
      new CassandraSession(slow, config.cassandra.keyspace, { conditionalBatches: false }),
      pipeline,
    );

    // Act
    await closer.finalize([id]);

    // Assess: the update's `final = false` carries a later timestamp and wins.
    expect(await writer.read(id)).toMatchObject({ final: false, version: 2n });
  });
});
