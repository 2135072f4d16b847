import { describe, expect, it } from 'vitest';
import type { PageRead } from '#lib/sync/range-reader';
import { runPasses } from '#lib/sync/run-passes';
import type { PassState, RangeState, SyncCheckpoints } from '#lib/sync/sync-checkpoints';
import type { PageRejects, SyncRejects } from '#lib/sync/sync-rejects';
import type { SyncPage, SyncTarget } from '#lib/sync/target';
import {
  MURMUR3,
  planTokenRanges,
  RANDOM,
  rangesOutside,
  type TokenRange,
} from '#lib/sync/token-ranges';

/** Checkpoints in memory (the Cassandra ones are covered by the integration tests). */
class MemoryCheckpoints implements SyncCheckpoints {
  pass: PassState | undefined;
  ranges = new Map<number, RangeState>();
  async loadPass() {
    return this.pass;
  }
  async savePass(_job: string, pass: PassState) {
    this.pass = pass;
  }
  async startRanges(_job: string, _pass: string, ranges: readonly RangeState[]) {
    this.ranges = new Map(ranges.map((r) => [r.id, r]));
  }
  async loadRanges() {
    return [...this.ranges.values()];
  }
  async saveRange(_job: string, _pass: string, range: RangeState) {
    this.ranges.set(range.id, range);
  }
}

/** Rejects in memory: what each page's rejects were. */
class MemoryRejects implements SyncRejects {
  pages: PageRejects[] = [];
  async record(page: PageRejects) {
    this.pages.push(page);
  }
}

/** Each range holds `pages` pages of 10 rows; page states are 'p<n>'; some pages come back empty. */
function source(ranges: number, pages: number, empty: (page: number) => boolean = () => false) {
  const plan: TokenRange[] = Array.from({ length: ranges }, (_, id) => ({
    id,
    start: BigInt(id * 100),
    end: BigInt(id * 100 + 100),
  }));
  const readPage = async (range: TokenRange, state: string | undefined): Promise<PageRead> => {
    const page = state ? Number(state.slice(1)) : 0;
    const rows = empty(page)
      ? []
      : Array.from({ length: 10 }, (_, i) => ({ id: `${range.id}-${page}-${i}` }));
    return { rows, nextPageState: page + 1 < pages ? `p${page + 1}` : undefined };
  };
  return { plan: async () => ({ ranges: plan }), readPage, rejects: new MemoryRejects() };
}

function target(failOn?: (page: SyncPage) => boolean) {
  const written: string[] = [];
  const t: SyncTarget = {
    describe: 'memory',
    prepare: async () => undefined,
    close: async () => undefined,
    write: async (page) => {
      if (failOn?.(page)) throw new Error('target down');
      written.push(...page.rows.map((r) => String(r.id)));
      return page.rows.length;
    },
  };
  return { t, written };
}

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
