import { describe, expect, it } from 'vitest';
import { count } from '#lib/aggregates/basic';
import { nextClaimTimestamp } from '#lib/engine/claim-shards';
import { cqlPorts } from '#lib/engine/cql-ports';
import { processBatch } from '#lib/engine/process-batch';
import { runTick } from '#lib/engine/tick';
import { definePipeline } from '#lib/pipeline/define-pipeline';
import type { CassandraSession } from '#lib/store/session';
import { session, tumbling } from '#lib/windows/index';
import { calmStore } from '../helpers/engine-model/calm-store.ts';
import { ModelStream } from '../helpers/engine-model/model-stream.ts';
import { schedulePipeline, T0 } from '../helpers/engine-model/scenario.ts';
import { scheduleRecord as rec } from '../helpers/engine-model/schedule-record.ts';

const pipeline = schedulePipeline('single', true);
const SECOND = 1000;

describe('single-writer pipelines (docs/single-writer.md)', () => {
  it('refuses a session window, naming it', () => {
    expect(() =>
      definePipeline({
        name: 'sw',
        source: { stream: 's' },
        key: 'k',
        time: 'ts',
        windows: [tumbling('1m'), session('5m')],
        aggregates: { n: count() },
        singleWriter: true,
      }),
    ).toThrow(/singleWriter: session_5m is a session window/);
  });

  it('dead-letters a record whose key is not its partition key, and counts the others', async () => {
    const { store, settings, ports } = calmStore();
    store.singleWriter = true;
    const stray = { ...rec('s', 2, 'k1', T0 + SECOND), partitionKey: 'other' };
    const result = await processBatch(pipeline, [rec('s', 1, 'k1', T0), stray], ports, settings);

    expect(result.deadLettered).toBe(1);
    const [letter] = store.deadLetters.values();
    expect(letter?.field).toBe('k');
    expect(letter?.reason).toMatch(/key "k1" is not the record's partition key "other"/);
    const row = [...store.rows.values()].find((r) => r.window === 'tumbling_10s');
    expect(row?.events).toBe(1n);
    expect(result.conditionalWrites).toBe(0);
    expect(result.plainWrites).toBeGreaterThan(0);
  });

  it('claims above every claim made, whatever the clock says', () => {
    const shard = (timestamp: bigint) => ({
      shardId: 'a',
      watermark: 0,
      maxEventTime: 0,
      lastSeen: 0,
      state: 'active' as const,
      version: 1n,
      claim: { timestamp, claimer: 'c', seenUpTo: 0 },
    });
    expect(nextClaimTimestamp([shard(5_000_000n)], 1)).toBe(5_000_001n);
    expect(nextClaimTimestamp([shard(5n)], 7)).toBe(7000n);
  });

  it('forgets remembered rows when another container claimed the shard since', async () => {
    // Prepare: container A writes k's window, then container B adds to it.
    const { store, settings } = calmStore();
    store.singleWriter = true;
    const a = store.portsFor({ owner: 's', container: 'A', killed: false });
    const b = store.portsFor({ owner: 's', container: 'B', killed: false });
    await processBatch(pipeline, [rec('s', 1, 'k', T0)], a, settings);
    await processBatch(pipeline, [rec('s', 2, 'k', T0 + SECOND)], b, settings);

    // Act: A again, with the row it remembers now behind.
    await processBatch(pipeline, [rec('s', 3, 'k', T0 + 2 * SECOND)], a, settings);

    // Assess: all three counted; A read the row instead of trusting its memory.
    const row = [...store.rows.values()].find((r) => r.window === 'tumbling_10s');
    expect(row?.events).toBe(3n);
    expect(store.rowCacheOf({ container: 'A', killed: false }).size).toBeGreaterThan(0);
  });

  it("keeps a parent's row until its children have claimed, so a child with a slow clock claims above it", async () => {
    // Prepare: parent p's container clock is 10 s ahead; p ended, read to its end.
    const { store, faults, settings } = calmStore();
    store.singleWriter = true;
    const ahead = { ...settings, now: () => faults.now + 10 * SECOND };
    const parent = store.portsFor({ owner: 'p', container: 'P', killed: false });
    await processBatch(pipeline, [rec('p', 1, 'k', T0)], parent, ahead);
    const parentClaim = store.shards.get('p')?.claim?.timestamp ?? 0n;
    const stream = new ModelStream();
    stream.add({
      shardId: 'p',
      parentIds: [],
      records: [rec('p', 1, 'k', T0)],
      arrived: 1,
      ended: true,
      visible: true,
    });
    stream.add({
      shardId: 'p-1',
      parentIds: ['p'],
      records: [],
      arrived: 0,
      ended: false,
      visible: true,
    });
    faults.now += pipeline.lateness.idleTimeoutMs + 1;
    const tickPorts = store.portsFor({ killed: false });
    const first = await runTick(
      pipeline,
      tickPorts,
      stream.source(async () => {}),
      settings,
    );

    // Act: the child's first batch, then another tick.
    const child = store.portsFor({ owner: 'p-1', container: 'C', killed: false });
    await processBatch(pipeline, [rec('p-1', 1, 'k', T0 + SECOND)], child, settings);
    const second = await runTick(
      pipeline,
      tickPorts,
      stream.source(async () => {}),
      settings,
    );

    // Assess: p stayed while its child had no claim; the child's claim is above p's last.
    expect(first.retired).toEqual([]);
    expect(store.shards.get('p-1')?.claim?.timestamp).toBeGreaterThan(parentClaim);
    expect(second.retired).toEqual(['p']);
    const row = [...store.rows.values()].find((r) => r.window === 'tumbling_10s');
    expect(row?.events).toBe(2n);
  });

  it("writes without a read only rows no shard can have written, a retired parent's included", async () => {
    // Prepare: parent p counted k at T0+15s (window T0+10s); its children claimed with earlier
    // events, and the tick retired p.
    const { store, faults, settings } = calmStore();
    store.singleWriter = true;
    const ports = store.portsFor({ owner: 'x', container: 'X', killed: false });
    await processBatch(pipeline, [rec('p', 1, 'k', T0 + 15 * SECOND)], ports, settings);
    const stream = new ModelStream();
    const shard = (shardId: string, parentIds: string[], ended: boolean) => ({
      shardId,
      parentIds,
      records: [],
      arrived: 0,
      ended,
      visible: true,
    });
    stream.add(shard('p', [], true));
    stream.add(shard('p-1', ['p'], false));
    stream.add(shard('p-2', ['p'], false));
    await processBatch(pipeline, [rec('p-1', 1, 'k', T0 + 5 * SECOND)], ports, settings);
    await processBatch(pipeline, [rec('p-2', 1, 'j', T0 + 5 * SECOND)], ports, settings);
    faults.now += pipeline.lateness.idleTimeoutMs + 1;
    const tick = await runTick(
      pipeline,
      ports,
      stream.source(async () => {}),
      settings,
    );

    // Act: p-1 counts k at T0+12s, in the window p wrote, with p's row gone.
    await processBatch(pipeline, [rec('p-1', 2, 'k', T0 + 12 * SECOND)], ports, settings);

    // Assess: the window holds both events (read, not written over from this batch alone).
    expect(tick.retired).toEqual(['p']);
    const row = [...store.rows.values()].find(
      (r) => r.key === 'k' && r.window === 'tumbling_10s' && r.start === T0 + 10 * SECOND,
    );
    expect(row?.events).toBe(2n);
  });

  it('is refused on a store without write timestamps (Amazon Keyspaces), saying what to do', () => {
    const keyspaces = { clientTimestamps: false } as CassandraSession;
    expect(() => cqlPorts(keyspaces, pipeline)).toThrow(/remove singleWriter for Keyspaces/);
  });
});
