import { seededRandom } from '#lib/demo/seeded-random';
import type { SyncJobSpec } from '#lib/pipeline/sync-entry';
import { createCassandraClient } from '#lib/store/client';
import { CassandraSession, sessionOptions } from '#lib/store/session';
import { runSyncJob, type SyncJobResult, type TableSource } from '#lib/sync/run-sync-job';
import type { SyncPage, SyncTarget } from '#lib/sync/target';
import { integrationConfig } from './integration-config.ts';

export type Interruptions = {
  timeouts: number;
  errorsMidPage: number;
  reconnects: number;
  runs: number;
};

/** Thrown by the fault wrapper: the test's own failure, told apart from real ones. */
class InjectedFailure extends Error {}

/**
 * Runs a sync job until its pass is finished, cutting runs short at random points: the time
 * budget running out after k pages, the target failing half-way through writing a page, or the
 * Cassandra client shut down under the reader (the next run connects anew). Every run resumes
 * from the checkpoints the previous one left.
 */
export async function syncWithInterruptions(
  job: SyncJobSpec,
  source: TableSource,
  makeTarget: () => SyncTarget,
  seed: number,
): Promise<{ last: SyncJobResult; interruptions: Interruptions }> {
  const random = seededRandom(seed);
  const config = integrationConfig();
  const counts: Interruptions = { timeouts: 0, errorsMidPage: 0, reconnects: 0, runs: 0 };
  // The job's lease runs on a clock the harness moves on: a run that died holding it (its
  // client shut down under it) leaves it to expire, as a crashed Lambda would.
  let skipped = 0;
  const leaseClock = { now: () => Date.now() + skipped * 120_001 };
  for (;;) {
    counts.runs += 1;
    if (counts.runs > 200) throw new Error('sync did not finish in 200 runs');
    // The first six runs are cut short, each kind of fault twice (in an order the seed picks);
    // after that runs may go to the end.
    const kinds = ['timeout', 'error', 'reconnect'] as const;
    // Runs that found the lease held (a faulted run's, left to expire) take no fault's turn.
    const ran = counts.runs - skipped;
    const fault = ran <= 6 ? kinds[(ran + seed) % 3] : 'none';
    const at = 1 + Math.floor(random() * 25);
    const client = createCassandraClient(config.cassandra);
    const session = new CassandraSession(
      client,
      config.cassandra.keyspace,
      sessionOptions(config.cassandra),
    );
    const target = makeTarget();
    let pages = 0;
    const faulty: SyncTarget = {
      describe: target.describe,
      prepare: (schema) => target.prepare(schema),
      close: () => target.close(),
      write: async (page: SyncPage) => {
        if (fault === 'error' && ++pages === at) {
          await target.write({
            ...page,
            rows: page.rows.slice(0, Math.floor(page.rows.length / 2)),
          });
          throw new InjectedFailure('injected failure half-way through a page');
        }
        return target.write(page);
      },
    };
    let progressed = 0;
    try {
      const result = await runSyncJob(job, source, {
        session,
        target: faulty,
        budget: {
          remainingMs: () => (fault === 'timeout' && progressed >= at ? 0 : 900_000),
          marginMs: 1,
        },
        onProgress: () => {
          progressed += 1;
          if (fault === 'reconnect' && progressed === at) void client.shutdown();
        },
        leaseClock,
      });
      if (result.skipped) skipped += 1;
      if (result.stoppedForTime) counts.timeouts += 1;
      if (result.passFinished) return { last: result, interruptions: counts };
    } catch (error) {
      if (error instanceof InjectedFailure) counts.errorsMidPage += 1;
      else if (fault === 'reconnect') counts.reconnects += 1;
      else throw error;
    } finally {
      await Promise.allSettled([client.shutdown(), target.close()]);
    }
  }
}
