import type cassandra from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { CassandraSession, type CqlClient } from '#lib/store/session';
import { CqlSyncCheckpoints } from '#lib/sync/sync-checkpoints';

type Values = Record<string, unknown>;

/**
 * A client that answers every query with the pages given, in turn, as Amazon Keyspaces may: a
 * page cut short, or empty, with a paging state that says more is coming.
 */
function pagedClient(pages: Values[][]) {
  const asked: (string | undefined)[] = [];
  const client: CqlClient = {
    execute: (async (_cql: string, _params: unknown, options?: cassandra.QueryOptions) => {
      const state = options?.pageState === undefined ? undefined : String(options.pageState);
      asked.push(state);
      const index = state ? Number(state.slice(1)) : 0;
      const rows = (pages[index] ?? []).map((values) => ({ get: (name: string) => values[name] }));
      const more = index + 1 < pages.length;
      return {
        rows,
        pageState: more ? `p${index + 1}` : null,
        first: () => rows[0] ?? null,
      } as unknown as cassandra.types.ResultSet;
    }) as CqlClient['execute'],
    batch: (async () => ({ rows: [] })) as unknown as CqlClient['batch'],
    shutdown: async () => {},
  };
  return { client, asked };
}

function range(id: number, passId = 'pass-1'): Values {
  return {
    range_id: id,
    pass_id: passId,
    range_start: BigInt(id * 10),
    range_end: BigInt(id * 10 + 10),
    page_state: null,
    pages: 0,
    rows: 0n,
    done: false,
  };
}

describe('reads that page', () => {
  it('read every page, past empty ones that have a paging state', async () => {
    const { client, asked } = pagedClient([[], [{ n: 1 }], [], [{ n: 2 }, { n: 3 }]]);
    const session = new CassandraSession(client, 'ks');
    const seen: unknown[] = [];
    for await (const row of session.rows('SELECT n FROM t', [])) seen.push(row.get('n'));
    expect(seen).toEqual([1, 2, 3]);
    expect(asked).toEqual([undefined, 'p1', 'p2', 'p3']);
  });

  it("load a sync job's ranges from every page, not only the first", async () => {
    const { client } = pagedClient([[], [range(0), range(1)], [range(2, 'pass-0'), range(3)]]);
    const checkpoints = new CqlSyncCheckpoints(new CassandraSession(client, 'ks'));
    const ranges = await checkpoints.loadRanges('job', 'pass-1');
    expect(ranges.map((r) => r.id)).toEqual([0, 1, 3]);
  });
});
