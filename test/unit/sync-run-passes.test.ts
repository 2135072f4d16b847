import { describe, expect, it } from 'vitest';
import { runPasses } from '#lib/sync/run-passes';
import { MURMUR3, planTokenRanges, RANDOM, rangesOutside } from '#lib/sync/token-ranges';
import { MemoryCheckpoints, MemoryRejects, source, target } from '../helpers/memory-sync.ts';

const forever = { remainingMs: () => 1e9, marginMs: 1 };
const job = { name: 'j', mode: 'full', concurrency: 3 };

describe('sync passes', () => {
  it('reads every range to its end, going on over empty pages that carry a state', async () => {
    const checkpoints = new MemoryCheckpoints();
    const { t, written } = target();
    const result = await runPasses(
      job,
      { checkpoints, target: t, ...source(4, 5, (p) => p === 2) },
      forever,
    );
    expect(result).toMatchObject({ pages: 20, rowsRead: 160, rangesDone: 4, passFinished: true });
    expect(new Set(written).size).toBe(160);
    expect(checkpoints.pass?.passesFinished).toBe(1);
  });

  it('stops taking pages when the budget runs low, and the next run goes on from there', async () => {
    const checkpoints = new MemoryCheckpoints();
    const { t, written } = target();
    let pages = 0;
    const budget = { remainingMs: () => (pages < 7 ? 1e9 : 0), marginMs: 1 };
    const first = await runPasses(job, { checkpoints, target: t, ...source(4, 5) }, budget, () => {
      pages += 1;
    });
    const second = await runPasses(job, { checkpoints, target: t, ...source(4, 5) }, forever);
    expect(first).toMatchObject({ stoppedForTime: true, passFinished: false, resumed: false });
    expect(second).toMatchObject({ resumed: true, passFinished: true, passId: first.passId });
    expect(first.pages + second.pages).toBe(20);
    expect(written).toHaveLength(200);
    expect(new Set(written).size).toBe(200);
  });

  it('fails the run when the target fails, leaving that page to be read again', async () => {
    const checkpoints = new MemoryCheckpoints();
    const bad = target((page) => page.rangeId === 2 && page.page === 1);
    await expect(
      runPasses(job, { checkpoints, target: bad.t, ...source(4, 3) }, forever),
    ).rejects.toThrow('target down');
    expect(checkpoints.ranges.get(2)).toMatchObject({ pages: 1, pageState: 'p1', done: false });
    const good = target();
    const again = await runPasses(job, { checkpoints, target: good.t, ...source(4, 3) }, forever);
    expect(again.resumed).toBe(true);
    expect(good.written).toContain('2-1-0');
    expect(new Set([...bad.written, ...good.written]).size).toBe(120);
  });

  it('records the rows the target cannot take as rejects, counts them and goes on to the end', async () => {
    // Prepare: a target that cannot take rows ending in -3, and a source with an unreadable row.
    const checkpoints = new MemoryCheckpoints();
    const { t, written } = target();
    t.reject = (row) => (String(row.id).endsWith('-3') ? 'ends in 3' : undefined);
    const src = source(2, 2);
    const readPage: typeof src.readPage = async (range, state) => {
      const read = await src.readPage(range, state);
      return range.id === 1 && !state
        ? { ...read, unreadable: [{ index: 5, reason: 'lost' }] }
        : read;
    };

    // Act
    const result = await runPasses(job, { checkpoints, target: t, ...src, readPage }, forever);

    // Assess: 4 pages of 10 rows, a row of each refused, one more unreadable.
    expect(result).toMatchObject({
      passFinished: true,
      rowsRead: 40,
      rowsWritten: 35,
      rowsRejected: 5,
    });
    expect(written).not.toContain('0-0-3');
    expect(written).not.toContain('1-0-5');
    const recorded = src.rejects.pages
      .flatMap((p) =>
        p.rejects.map((r) => `${p.rangeId}/${p.page}/${r.index} ${String(r.row.id)}: ${r.reason}`),
      )
      .sort();
    expect(recorded).toEqual([
      '0/0/3 0-0-3: ends in 3',
      '0/1/3 0-1-3: ends in 3',
      '1/0/3 1-0-3: ends in 3',
      '1/0/5 1-0-5: lost',
      '1/1/3 1-1-3: ends in 3',
    ]);
    expect(src.rejects.pages.every((p) => p.job === 'j' && p.passId === result.passId)).toBe(true);
  });

  it('fails the run when rejects cannot be recorded, leaving that page to be read again', async () => {
    const checkpoints = new MemoryCheckpoints();
    const { t } = target();
    t.reject = (row) => (row.id === '0-1-0' ? 'refused' : undefined);
    const src = source(1, 3);
    src.rejects.record = async () => {
      throw new Error('store down');
    };
    await expect(runPasses(job, { checkpoints, target: t, ...src }, forever)).rejects.toThrow(
      'store down',
    );
    expect(checkpoints.ranges.get(0)).toMatchObject({ pages: 1, pageState: 'p1', done: false });
  });

  it('starts a new pass after a finished one, or when the mode changed', async () => {
    const checkpoints = new MemoryCheckpoints();
    const { t } = target();
    const one = await runPasses(job, { checkpoints, target: t, ...source(2, 2) }, forever);
    const two = await runPasses(job, { checkpoints, target: t, ...source(2, 2) }, forever);
    expect(two.resumed).toBe(false);
    expect(two.passId).not.toBe(one.passId);
    expect(checkpoints.pass?.passesFinished).toBe(2);

    let pages = 0;
    await runPasses(
      job,
      { checkpoints, target: t, ...source(2, 2) },
      {
        remainingMs: () => (pages++ < 1 ? 1e9 : 0),
        marginMs: 1,
      },
    );
    const other = await runPasses(
      { ...job, mode: 'closed-windows' },
      {
        checkpoints,
        target: t,
        plan: async () => ({ ranges: [], closedThrough: 42 }),
        readPage: source(1, 1).readPage,
        rejects: new MemoryRejects(),
      },
      forever,
    );
    expect(other).toMatchObject({ resumed: false, passFinished: true, rowsRead: 0 });
    expect(checkpoints.pass?.closedThrough).toBe(42);
    // A full pass afterwards keeps the closed-windows cursor.
    await runPasses(job, { checkpoints, target: t, ...source(1, 1) }, forever);
    expect(checkpoints.pass?.closedThrough).toBe(42);
  });

  it('drops an unfinished pass whose ranges no longer fit the store, and says why', async () => {
    // Prepare: a pass cut short after one page, planned in Murmur3's token space.
    const checkpoints = new MemoryCheckpoints();
    const { t } = target();
    const murmur = planTokenRanges(MURMUR3, 4);
    const readPage = source(1, 3).readPage;
    let pages = 0;
    const first = await runPasses(
      job,
      {
        checkpoints,
        target: t,
        plan: async () => ({ ranges: murmur }),
        readPage,
        rejects: new MemoryRejects(),
      },
      { remainingMs: () => (pages++ < 1 ? 1e9 : 0), marginMs: 1 },
    );

    // Act: the store's partitioner is now RandomPartitioner.
    const random = planTokenRanges(RANDOM, 4);
    const again = await runPasses(
      job,
      {
        checkpoints,
        target: t,
        plan: async () => ({ ranges: random }),
        readPage,
        rejects: new MemoryRejects(),
        stale: async (ranges) => rangesOutside(ranges, RANDOM),
      },
      forever,
    );

    // Assess
    expect(first.passFinished).toBe(false);
    expect(again.resumed).toBe(false);
    expect(again.passId).not.toBe(first.passId);
    expect(again.restarted).toMatch(/partitioner changed since the pass was planned/);
    expect(again.rangesTotal).toBe(random.length);
    expect(rangesOutside(murmur, MURMUR3)).toBeUndefined();
    expect(rangesOutside(random, RANDOM)).toBeUndefined();
  });
});
