import { describe, expect, it } from 'vitest';
import { type SyncPage, type SyncRow, type SyncTarget, SyncTargetError } from '#lib/sync/target';
import { writePage } from '#lib/sync/write-page';

const page = (ids: number[]): SyncPage => ({
  job: 'j',
  passId: 'p',
  passStartedAt: 0,
  rangeId: 3,
  page: 7,
  rows: ids.map((id) => ({ id, name: `n${id}` })),
});

/**
 * A target in memory that refuses a page holding a row `bad` picks, as PostgreSQL and DynamoDB
 * refuse a whole request for one row's value; `fail` makes it fail as a target that is down.
 */
function memoryTarget(
  options: {
    bad?: (row: SyncRow) => boolean;
    reject?: (row: SyncRow) => string | undefined;
    fail?: (rows: readonly SyncRow[]) => boolean;
  } = {},
) {
  const written: unknown[] = [];
  const sent: number[] = [];
  const target: SyncTarget = {
    describe: 'memory',
    prepare: async () => undefined,
    close: async () => undefined,
    ...(options.reject ? { reject: options.reject } : {}),
    write: async ({ rows }) => {
      sent.push(rows.length);
      if (options.fail?.(rows)) throw new SyncTargetError('memory', 'connect ECONNREFUSED');
      const bad = rows.find((r) => options.bad?.(r));
      if (bad) {
        throw new SyncTargetError('memory', 'upsert failed', {
          rowFault: `refused ${String(bad.name)}`,
        });
      }
      written.push(...rows.map((r) => r.id));
      return rows.length;
    },
  };
  return { target, written, sent };
}

describe('writing a page without the rows the target cannot take', () => {
  it("GIVEN rows the target's own checks refuse THEN they are never sent and come back with their reasons", async () => {
    const { target, written, sent } = memoryTarget({
      reject: (row) => (Number(row.id) % 4 === 0 ? `id ${String(row.id)} too round` : undefined),
    });
    const result = await writePage(target, page([1, 4, 5, 8, 9]));
    expect(result).toEqual({
      written: 3,
      rejected: [
        { index: 1, reason: 'id 4 too round', row: { id: 4, name: 'n4' } },
        { index: 3, reason: 'id 8 too round', row: { id: 8, name: 'n8' } },
      ],
    });
    expect(written).toEqual([1, 5, 9]);
    expect(sent).toEqual([3]);
  });

  it("GIVEN a page refused for a row's fault THEN its rows go one at a time and only the refused ones are rejects", async () => {
    const { target, written } = memoryTarget({ bad: (row) => row.id === 2 || row.id === 6 });
    const result = await writePage(target, page([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect(result.written).toBe(8);
    expect(result.rejected.map(({ index, reason }) => [index, reason])).toEqual([
      [2, 'refused n2'],
      [6, 'refused n6'],
    ]);
    expect([...written].sort()).toEqual([0, 1, 3, 4, 5, 7, 8, 9]);
  });

  it('GIVEN a target that fails (not a row) THEN the write fails as before, on the page or on a single row', async () => {
    const down = memoryTarget({ fail: () => true });
    await expect(writePage(down.target, page([1, 2]))).rejects.toThrow(/ECONNREFUSED/);
    expect(down.sent).toEqual([2]);

    // It goes down while the rows of a refused page are sent one at a time.
    const flaky = memoryTarget({
      bad: (row) => row.id === 1,
      fail: (rows) => rows.length === 1 && rows[0]?.id === 2,
    });
    await expect(writePage(flaky.target, page([1, 2, 3]))).rejects.toThrow(/ECONNREFUSED/);
  });

  it('GIVEN rows the reader could not read THEN they are rejects too, and a page with nothing left is still written', async () => {
    const { target, sent } = memoryTarget({ reject: () => 'never asked' });
    const result = await writePage(target, page([1]), [{ index: 0, reason: 'column at: lost' }]);
    expect(result).toEqual({
      written: 0,
      rejected: [{ index: 0, reason: 'column at: lost', row: { id: 1, name: 'n1' } }],
    });
    // S3 must replace what an earlier try of the page wrote, even with no rows.
    expect(sent).toEqual([0]);
  });
});
