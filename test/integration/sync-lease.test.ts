import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applySchema } from '#lib/store/schema/apply';
import { schemaConnection } from '#lib/store/schema/connection';
import { CqlSyncLease, withSyncLease } from '#lib/sync/sync-lease';
import { SYNC_TABLES } from '#lib/sync/sync-tables';
import { storeSession } from '../helpers/integration-config.ts';

const { config, client, session } = storeSession();
const lease = new CqlSyncLease(session);
const job = (name: string) => `${name}-${Date.now().toString(36)}`;

beforeAll(() => applySchema(schemaConnection(client), config.cassandra, SYNC_TABLES));
afterAll(() => client.shutdown());

describe('the sync lease (runs of a job never overlap)', () => {
  it('is held by one run at a time, handed back at its end, and taken over once expired', async () => {
    const name = job('lease');
    const now = Date.now();

    expect(await lease.take(name, 'a', now + 10_000, now)).toBe(true);
    expect(await lease.take(name, 'b', now + 10_000, now)).toEqual({
      owner: 'a',
      until: now + 10_000,
    });
    await lease.release(name, 'a');
    expect(await lease.take(name, 'b', now + 10_000, now)).toBe(true);
    // b froze: its lease expires, c takes it over, and b's late release frees nothing.
    const later = now + 10_001;
    expect(await lease.take(name, 'c', later + 10_000, later)).toBe(true);
    await lease.release(name, 'b');
    expect(await lease.take(name, 'd', later + 10_000, later)).toEqual({
      owner: 'c',
      until: later + 10_000,
    });
  });

  it('goes to exactly one of many runs that find it free at once', async () => {
    const name = job('race');
    const now = Date.now();
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, i) => lease.take(name, `run-${i}`, now + 60_000, now)),
    );
    expect(outcomes.filter((o) => o === true)).toHaveLength(1);
  });

  it('lets a second run of a job skip while the first works, and run once it is done', async () => {
    const name = job('overlap');
    let release = () => {};
    const first = withSyncLease(lease, name, async () => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return 'first ran';
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const second = await withSyncLease(lease, name, async () => 'second ran');
    release();

    expect(second).toMatchObject({ heldBy: { until: expect.any(Number) } });
    expect(await first).toBe('first ran');
    expect(await withSyncLease(lease, name, async () => 'third ran')).toBe('third ran');
  });

  it('is renewed while its run lives, and a run that lost it (frozen past its end) is told', async () => {
    const name = job('renew');
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    // Renewed every 100 ms, a 300 ms lease outlives 900 ms of work.
    let blockedMidway: unknown;
    const long = await withSyncLease(
      lease,
      name,
      async (held) => {
        await sleep(600);
        blockedMidway = await lease.take(name, 'intruder', Date.now() + 1000, Date.now());
        await sleep(300);
        return held();
      },
      { leaseMs: 300, renewEveryMs: 100 },
    );
    expect(long).toBe(true);
    expect(blockedMidway).toMatchObject({ until: expect.any(Number) });

    // Not renewed in time (its renewal comes after the end), the lease goes to another run.
    const lost = await withSyncLease(
      lease,
      name,
      async (held) => {
        await sleep(300);
        expect(await lease.take(name, 'next', Date.now() + 60_000, Date.now())).toBe(true);
        await sleep(300);
        return held();
      },
      { leaseMs: 200, renewEveryMs: 400 },
    );
    expect(lost).toBe(false);
  });
});
