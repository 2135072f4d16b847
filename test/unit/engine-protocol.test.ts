import { describe, expect, it } from 'vitest';
import { closeDueWindows } from '#lib/engine/closer';
import type { EnginePorts, EngineSettings } from '#lib/engine/ports';
import { processBatch } from '#lib/engine/process-batch';
import { runTick } from '#lib/engine/tick';
import type { InputRecord } from '#lib/records/input-record';
import { calmStore } from '../helpers/engine-model/calm-store.ts';
import { type ModelShard, ModelStream } from '../helpers/engine-model/model-stream.ts';
import { schedulePipeline, T0 } from '../helpers/engine-model/scenario.ts';
import { scheduleRecord } from '../helpers/engine-model/schedule-record.ts';

const pipeline = schedulePipeline();
const SECOND = 1000;
const rec = scheduleRecord;

/** A shard of the model stream whose records have all arrived. */
function modelShard(
  shardId: string,
  records: InputRecord[],
  more: Partial<ModelShard> = {},
): ModelShard {
  return {
    shardId,
    parentIds: [],
    records,
    arrived: records.length,
    ended: false,
    visible: true,
    ...more,
  };
}

/** A store that never fails or interleaves by itself: the test decides every step's order. */
/** Ports whose calls are counted by name. */
function counted(ports: EnginePorts) {
  const calls = new Map<string, number>();
  const wrap = <T extends object>(port: T): T =>
    new Proxy(port, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls.set(String(name), (calls.get(String(name)) ?? 0) + 1);
          return value.apply(target, args);
        };
      },
    });
  return {
    calls,
    ports: {
      rows: wrap(ports.rows),
      index: wrap(ports.index),
      watermarks: wrap(ports.watermarks),
      sideOutputs: wrap(ports.sideOutputs),
    },
  };
}

/** The pipeline's tick against a model stream that answers at once. */
function tickOf(stream: ModelStream, ports: EnginePorts, settings: EngineSettings) {
  return runTick(
    pipeline,
    ports,
    stream.source(async () => {}),
    settings,
  );
}

/** Ports whose closers never win a claim (another closer always got there first). */
function withoutClaims(ports: EnginePorts): EnginePorts {
  return { ...ports, watermarks: { ...ports.watermarks, moveCursor: async () => false } };
}

/** Ports whose row writes wait a while first (many turns of the event loop). */
function slowWrites(ports: EnginePorts): EnginePorts {
  const later = async <T>(write: () => Promise<T>): Promise<T> => {
    for (let i = 0; i < 200; i++) await Promise.resolve();
    return write();
  };
  return {
    ...ports,
    rows: {
      ...ports.rows,
      create: (id, state) => later(() => ports.rows.create(id, state)),
      update: (id, state, v) => later(() => ports.rows.update(id, state, v)),
      writePartition: (p, writes) => later(() => ports.rows.writePartition(p, writes)),
    },
  };
}

describe('the closer', () => {
  it('claims again from a fresh read when another closer moved the cursor first', async () => {
    // Prepare: two shards up to T0+60s; another closer's claim lands between our reads.
    const { store, settings, ports } = calmStore();
    const noClaims: EnginePorts = withoutClaims(ports);
    await processBatch(
      pipeline,
      [rec('a', 1, 'k', T0 + 5 * SECOND, 1), rec('a', 2, 'k', T0 + 60 * SECOND, 2)],
      noClaims,
      settings,
    );
    await processBatch(pipeline, [rec('b', 1, 'k', T0 + 61 * SECOND, 3)], noClaims, settings);
    let raced = false;
    const racing: EnginePorts = {
      ...ports,
      watermarks: {
        ...ports.watermarks,
        moveCursor: async (next, previous) => {
          if (!raced) {
            raced = true;
            // Another closer claims a lower watermark first: our compare-and-set loses.
            await ports.watermarks.moveCursor(
              { claimed: T0, done: previous?.done ?? Number.NEGATIVE_INFINITY },
              previous,
            );
          }
          return ports.watermarks.moveCursor(next, previous);
        },
      },
    };

    // Act
    const run = await closeDueWindows(pipeline, racing, settings);

    // Assess: the claim was retried and the window of T0+5s (close T0+11s) is final.
    expect(run.claimRetries).toBe(1);
    expect(store.cursor?.claimed).toBe(T0 + 58 * SECOND);
    const row = [...store.rows.values()].find((r) => r.window === 'tumbling_10s' && r.start === T0);
    expect(row?.final).toBe(true);
  });

  it('closes due windows on the tick when no more records come', async () => {
    // Prepare: one shard's events, then nothing; the batch's own closer claim is lost.
    const { store, faults, settings, ports } = calmStore();
    const stream = new ModelStream();
    stream.add(modelShard('a', []));
    const losing: EnginePorts = withoutClaims(ports);
    const result = await processBatch(
      pipeline,
      [rec('a', 1, 'k', T0, 1), rec('a', 2, 'k', T0 + 30 * SECOND, 2)],
      losing,
      settings,
    );
    expect(result.closerError).toBeDefined();
    const open = () =>
      [...store.rows.values()].filter((r) => r.window === 'tumbling_10s' && !r.final);
    expect(open()).toHaveLength(2);

    // Act: the clock runs past the idle timeout; the tick runs twice.
    faults.now += pipeline.lateness.idleTimeoutMs + 1;
    const first = await tickOf(stream, ports, settings);
    const second = await tickOf(stream, ports, settings);

    // Assess: the first tick closes what the watermark passed and finds the shard idle; with
    // every shard idle the newest watermark counts, and the second tick closes the rest.
    expect(first.closer.finalized).toBeGreaterThan(0);
    expect(first.idled).toEqual(['a']);
    expect(second.closer.watermark).toBe(T0 + 28 * SECOND);
    expect(open().map((r) => r.start)).toEqual([T0 + 30 * SECOND]);
  });
});

describe('a normal batch', () => {
  it('changes no shard or cursor row but its own advance: nothing accumulates with time', async () => {
    // Prepare: the shard is known and active.
    const { settings, ports } = calmStore();
    await processBatch(pipeline, [rec('a', 1, 'k', T0, 1)], ports, settings);
    const { calls, ports: watched } = counted(ports);

    // Act: a hundred batches.
    for (let i = 2; i < 102; i++) {
      await processBatch(pipeline, [rec('a', i, 'k', T0 + i * SECOND, i)], watched, settings);
    }

    // Assess: one advance per batch; no registration, state change, bump or removal.
    expect(calls.get('advanceShard')).toBe(100);
    for (const name of ['registerShard', 'setShardState', 'bumpCursor', 'removeShard']) {
      expect(calls.get(name) ?? 0).toBe(0);
    }
  });
});

describe('idle shards', () => {
  it('are only those with nothing left to read: a quiet shard with records waiting still counts', async () => {
    // Prepare: shard b had a batch long ago and has records it has not finished (failing).
    const { store, faults, settings, ports } = calmStore();
    const stream = new ModelStream();
    await processBatch(pipeline, [rec('a', 1, 'k', T0 + 50 * SECOND, 1)], ports, settings);
    await processBatch(pipeline, [rec('b', 1, 'k', T0, 2)], ports, settings);
    stream.add(modelShard('a', []));
    const waiting = [rec('b', 1, 'k', T0, 2), rec('b', 2, 'k', T0 + SECOND, 3)];
    stream.add(modelShard('b', waiting));
    faults.now += pipeline.lateness.idleTimeoutMs + 1;

    // Act
    const tick = await tickOf(stream, ports, settings);

    // Assess: b is behind, not idle, and holds the watermark where its last batch left it.
    expect(tick.behind).toEqual(['b']);
    expect(tick.idled).toEqual(['a']);
    expect(store.shards.get('b')?.state).toBe('active');
    expect(tick.closer.watermark).toBe(T0 - 2 * SECOND);
  });

  it('cannot be called idle under a batch that started after the tick began probing it', async () => {
    // Prepare: shard a is quiet; the tick marks it probing and asks Kinesis, which says nothing
    // is left; then a record arrives and a batch starts before the tick's last step.
    const { store, faults, settings, ports } = calmStore();
    await processBatch(pipeline, [rec('a', 1, 'k', T0, 1)], ports, settings);
    await processBatch(pipeline, [rec('b', 1, 'k', T0 + 50 * SECOND, 2)], ports, settings);
    faults.now += pipeline.lateness.idleTimeoutMs + 1;
    const stream = new ModelStream();
    stream.add(modelShard('a', [rec('a', 1, 'k', T0, 1)]));
    stream.add(modelShard('b', [rec('b', 1, 'k', T0 + 50 * SECOND, 2)]));
    let batch: Promise<unknown> | undefined;
    const source = stream.source(async () => {});
    const interleaved = {
      ...source,
      nothingToRead: async (shardId: string, position: bigint | undefined) => {
        const nothing = await source.nothingToRead(shardId, position);
        // The batch starts (and reads its shard row) right after Kinesis answered.
        // It writes slowly: the tick's closer, if it may, gets there first.
        if (shardId === 'a') {
          batch = processBatch(
            pipeline,
            [rec('a', 2, 'k', T0 + 2 * SECOND, 3)],
            slowWrites(ports),
            settings,
          );
        }
        return nothing;
      },
    };

    // Act
    const tick = await runTick(pipeline, ports, interleaved, settings);
    await batch;

    // Assess: whichever of the two won the shard's row, the batch planned with the shard
    // counting, so the window its event counts in (close T0+11s) was not closed under it.
    void tick;
    expect(store.shards.get('a')?.state).toBe('active');
    const row = [...store.rows.values()].find((r) => r.window === 'tumbling_10s' && r.start === T0);
    expect(row?.events).toBe(2n);
    expect(store.late.size).toBe(0);
  });

  it('count again only once no claim made from shards read before can succeed', async () => {
    // Prepare: a is idle, b far ahead; a closer reads the cursor and the shards (a excluded).
    const { store, settings, ports } = calmStore();
    await processBatch(pipeline, [rec('a', 1, 'k', T0, 1)], ports, settings);
    await processBatch(pipeline, [rec('b', 1, 'k', T0 + 60 * SECOND, 2)], ports, settings);
    const a = store.shards.get('a');
    if (!a) throw new Error('no row for a');
    await ports.watermarks.setShardState(a, 'idle');
    const staleCursor = await ports.watermarks.readCursor();

    // Act: a wakes up with a batch (whose own closer claims nothing); then the closer that
    // read before tries its claim.
    const noClaims: EnginePorts = withoutClaims(ports);
    await processBatch(pipeline, [rec('a', 2, 'k', T0 + 2 * SECOND, 3)], noClaims, settings);
    const staleClaim = await ports.watermarks.moveCursor(
      { claimed: T0 + 58 * SECOND, done: staleCursor?.done ?? Number.NEGATIVE_INFINITY },
      staleCursor,
    );

    // Assess: the stale claim loses; a's window is still open and counts a's event.
    expect(staleClaim).toBe(false);
    expect(store.shards.get('a')?.state).toBe('active');
    const row = [...store.rows.values()].find((r) => r.window === 'tumbling_10s' && r.start === T0);
    expect(row?.final).toBe(false);
    expect(row?.events).toBe(2n);
  });
});

describe('resharding', () => {
  it('registers the children before the parent stops counting, so their first events are not late', async () => {
    // Prepare: parent p read to its end (it ended); b is far ahead; the children have not
    // reported yet. Their first event is at T0+5s.
    const { store, faults, settings, ports } = calmStore();
    await processBatch(pipeline, [rec('p', 1, 'k', T0, 1)], ports, settings);
    await processBatch(pipeline, [rec('b', 1, 'k', T0 + 60 * SECOND, 2)], ports, settings);
    const stream = new ModelStream();
    stream.add(modelShard('p', [rec('p', 1, 'k', T0, 1)], { ended: true }));
    stream.add(modelShard('b', []));
    for (const c of ['p-1', 'p-2']) {
      stream.add(modelShard(c, [], { parentIds: ['p'] }));
    }
    faults.now += pipeline.lateness.idleTimeoutMs + 1;

    // Act: the tick, then the first child's batch.
    const tick = await tickOf(stream, ports, settings);
    const child = await processBatch(
      pipeline,
      [rec('p-1', 1, 'k', T0 + 5 * SECOND, 3)],
      ports,
      settings,
    );

    // Assess: children entered, the parent idle then retired, and nothing late.
    expect(tick.registered.sort()).toEqual(['p-1', 'p-2']);
    expect(tick.idled).toContain('p');
    expect(tick.retired).toEqual(['p']);
    expect(child.late).toBe(0);
    expect(store.shards.has('p')).toBe(false);
  });
  it('stops counting a parent read to its end at the next tick, without waiting out the idle timeout', async () => {
    // Prepare: parent p ended and was read to its end a moment ago; its children have had
    // their first batches, well ahead of p's last event.
    const { store, settings, ports } = calmStore();
    await processBatch(pipeline, [rec('p', 1, 'k', T0, 1)], ports, settings);
    const stream = new ModelStream();
    stream.add(modelShard('p', [rec('p', 1, 'k', T0, 1)], { ended: true }));
    for (const [i, c] of ['p-1', 'p-2'].entries()) {
      const first = rec(c, 1, 'k', T0 + 40 * SECOND, 2 + i);
      stream.add(modelShard(c, [first], { parentIds: ['p'] }));
      await processBatch(pipeline, [first], ports, settings);
    }

    // Act: the tick, within the idle timeout of p's last batch.
    const tick = await tickOf(stream, ports, settings);

    // Assess: p no longer holds the watermark back: the windows up to the children's close.
    expect(tick.idled).toEqual(['p']);
    expect(tick.retired).toEqual(['p']);
    expect(store.shards.has('p')).toBe(false);
    expect(tick.closer.watermark).toBe(T0 + 38 * SECOND);
    const row = [...store.rows.values()].find((r) => r.window === 'tumbling_10s' && r.start === T0);
    expect(row?.final).toBe(true);
  });
});

describe('finality', () => {
  it('settles a write a timed-out batch left half done before the window is final, and nothing lands after', async () => {
    // Prepare: batch 1 writes the window of T0; batch 2's update of it times out with its Paxos
    // round accepted and not committed, and Lambda gives up on batch 2.
    const { store, settings, ports } = calmStore('cassandra');
    await processBatch(pipeline, [rec('a', 1, 'k', T0, 1)], ports, settings);
    // The first try of the tumbling row's update is accepted and not committed; every retry
    // times out before its round reads anything, so nothing settles it.
    let tries = 0;
    const faultOnUpdate: EnginePorts = {
      ...ports,
      rows: {
        ...ports.rows,
        update: (id, state, expected) => {
          if (id.window === 'tumbling_10s') {
            const fault = tries++ === 0 ? 'pending' : 'lost';
            store.faults.forced.push({ op: 'update tumbling_10s', fault });
          }
          return ports.rows.update(id, state, expected);
        },
      },
    };
    const second = await processBatch(
      pipeline,
      [rec('a', 2, 'k', T0 + SECOND, 2)],
      faultOnUpdate,
      settings,
    );
    expect(second.failedAt?.sequenceNumber).toBe(2n);
    const window = () =>
      [...store.rows.values()].find((r) => r.window === 'tumbling_10s' && r.start === T0);
    expect(window()?.events).toBe(1n); // the half-done write is not visible yet

    // Act: the shard goes on (batch 3 moves its watermark past the window), the closer
    // finalizes, and later another round runs on the partition.
    store.faults.useRandom(() => 0); // every half-done round that is settled completes
    await processBatch(pipeline, [rec('a', 3, 'k', T0 + 40 * SECOND, 3)], ports, settings);
    await closeDueWindows(pipeline, ports, settings);
    const atFinal = window();
    store.settleAll();

    // Assess: the write landed with the finalize, before final, and nothing changed after.
    expect(atFinal?.final).toBe(true);
    expect(atFinal?.events).toBe(2n);
    expect(window()).toEqual(atFinal);
  });
});

describe('a sliding window no event counts in', () => {
  it('closes as a row of only `final`, which results readers skip', async () => {
    // Prepare: a window indexed by a batch that then failed before writing its pane.
    const { store, settings, ports } = calmStore();
    await ports.index.addOpen([
      { closeAt: T0 + 31 * SECOND, key: 'k', window: 'sliding_30s_10s', start: T0 },
    ]);

    // Act: the watermark passes it.
    await processBatch(pipeline, [rec('a', 1, 'x', T0 + 60 * SECOND, 1)], ports, settings);

    // Assess
    const ghost = [...store.rows.values()].find((r) => r.key === 'k');
    expect(ghost).toMatchObject({ final: true, unwritten: true });
    const listed = await ports.rows.readRange(
      { key: 'k', window: 'sliding_30s_10s', bucket: 0 },
      0,
      T0 * 2,
    );
    expect(listed).toEqual([]);
    expect([...store.closed.values()].filter((w) => w.key === 'k')).toEqual([]);
  });
});

describe('a batch Lambda resumes part way (a partial batch response)', () => {
  it('gives the records it resumes with the cuts they had: nothing late becomes counted', async () => {
    // Prepare: r1 at +62.5 s, r2 at +59 s (its row fails), r3 at +53 s, whose own session (the
    // event plus the 5 s gap and 1 s lateness) closes at +59 s: late at r3's cut (+60.5 s, r1's
    // time minus the 2 s bound), not at a cut that forgot r1.
    const { store, settings, ports } = calmStore();
    const r1 = rec('a', 1, 'a', T0 + 62_500, 1);
    const r2 = rec('a', 2, 'b', T0 + 59_000, 2);
    const r3 = rec('a', 3, 'c', T0 + 53_000, 3);
    const failing: EnginePorts = {
      ...ports,
      rows: {
        ...ports.rows,
        create: (id, state) => {
          if (id.key === 'b' && id.window === 'tumbling_10s')
            store.faults.forced.push({ op: 'create', fault: 'lost' });
          return ports.rows.create(id, state);
        },
      },
    };

    // Act: the first attempt fails at r2; Lambda resumes with r2 and r3.
    const first = await processBatch(pipeline, [r1, r2, r3], failing, settings);
    const second = await processBatch(pipeline, [r2, r3], ports, settings);

    // Assess: r3's session is late in both attempts, and counted nowhere.
    expect(first.failedAt?.sequenceNumber).toBe(2n);
    expect(second.failedAt).toBeUndefined();
    expect(store.late.has(`a|3|session_5s`)).toBe(true);
    const sessions = [...store.rows.values()].filter(
      (r) => r.key === 'c' && r.window.startsWith('session'),
    );
    expect(sessions.reduce((n, r) => n + r.events, 0n)).toBe(0n);
  });
});
