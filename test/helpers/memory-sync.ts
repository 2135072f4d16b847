import type { PageRead } from '#lib/sync/range-reader';
import type { PassState, RangeState, SyncCheckpoints } from '#lib/sync/sync-checkpoints';
import type { PageRejects, SyncRejects } from '#lib/sync/sync-rejects';
import type { SyncPage, SyncTarget } from '#lib/sync/target';
import type { TokenRange } from '#lib/sync/token-ranges';

/** Checkpoints in memory (the Cassandra ones are covered by the integration tests). */
export class MemoryCheckpoints implements SyncCheckpoints {
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
export class MemoryRejects implements SyncRejects {
  pages: PageRejects[] = [];
  async record(page: PageRejects) {
    this.pages.push(page);
  }
}

/** Each range holds `pages` pages of 10 rows; page states are 'p<n>'; some pages come back empty. */
export function source(
  ranges: number,
  pages: number,
  empty: (page: number) => boolean = () => false,
) {
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

/** A target in memory: what it was given, by row id; `failOn` pages fail as a target that is down. */
export function target(failOn?: (page: SyncPage) => boolean) {
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
