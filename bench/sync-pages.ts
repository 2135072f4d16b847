import type { SyncJobSpec } from '#lib/pipeline/sync-entry';
import type { CassandraSession } from '#lib/store/session';
import { runSyncJob, type SyncSource } from '#lib/sync/run-sync-job';
import type { SyncPage, SyncSchema, SyncTarget } from '#lib/sync/target';

/** What a sync pass hands its target, kept: the schema and every page. */
export type CapturedPass = { schema: SyncSchema; pages: SyncPage[] };

/** Runs a sync pass into memory (not timed): the pages a target gets, for the target-alone run. */
export async function capturePass(
  session: CassandraSession,
  spec: SyncJobSpec,
  source: SyncSource,
): Promise<CapturedPass> {
  const pages: SyncPage[] = [];
  let schema: SyncSchema | undefined;
  const collector: SyncTarget = {
    describe: 'memory',
    prepare: async (s) => {
      schema = s;
    },
    write: async (page) => {
      pages.push(page);
      return page.rows.length;
    },
    close: async () => {},
  };
  const budget = { remainingMs: () => 900_000, marginMs: 1 };
  await runSyncJob(spec, source, { session, target: collector, budget });
  if (!schema) throw new Error('the sync pass never prepared its target');
  return { schema, pages };
}

/**
 * The target on its own: the captured pages written to it `concurrency` at a time, as the sync
 * writes them, with no reading at all. Resolves the rows written.
 */
export async function writePagesOnly(
  target: SyncTarget,
  pass: CapturedPass,
  concurrency: number,
): Promise<number> {
  await target.prepare(pass.schema);
  let next = 0;
  let rows = 0;
  const writer = async () => {
    for (let i = next++; i < pass.pages.length; i = next++) {
      const written = await target.write(pass.pages[i] as SyncPage);
      rows += written; // not `rows += await ...`: that reads `rows` before the wait
    }
  };
  await Promise.all(Array.from({ length: concurrency }, writer));
  return rows;
}
