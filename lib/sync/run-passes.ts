import { openPass, type PassPorts } from './open-pass.ts';
import type { PageRead, ReadPage } from './range-reader.ts';
import type { SyncRejects } from './sync-rejects.ts';
import type { SyncTarget } from './target.ts';
import { writePage } from './write-page.ts';

/** How long the run may go on: it stops taking pages when less than the margin is left. */
export type TimeBudget = { remainingMs(): number; marginMs: number };

export type SyncProgress = {
  pages: number;
  rowsRead: number;
  rowsWritten: number;
  /** Rows the target could not take, recorded in the job's rejects instead. */
  rowsRejected: number;
  rangesDone: number;
  rangesTotal: number;
};

export type SyncRunResult = SyncProgress & {
  passId: string;
  /** This run went on with a pass an earlier run started. */
  resumed: boolean;
  /** Every range is read: the next run starts a new pass. */
  passFinished: boolean;
  /** It stopped early to stay within the time budget; its checkpoints say where. */
  stoppedForTime: boolean;
  /** Why the unfinished pass was dropped and a new one started, if it was. */
  restarted?: string;
  /** Why this run read nothing: another run of the job was under way. */
  skipped?: string;
};

export type SyncRunPorts = PassPorts & {
  readPage: ReadPage;
  target: SyncTarget;
  /** Where rows the target cannot take go, with the reason, so the run goes on without them. */
  rejects: SyncRejects;
};

/**
 * One run of a sync job: goes on with the job's unfinished pass, or starts a new one, and reads
 * its ranges `concurrency` at a time, page by page, each range's next page while its last one is
 * written. Each page is written to the target before its range's checkpoint moves past it, so a
 * run cut short anywhere (time budget, an error, a lost connection) repeats at most the page it
 * was on, which the target absorbs. A row the target cannot take is recorded in the job's rejects,
 * before the checkpoint moves, and the run goes on.
 */
export async function runPasses(
  job: { name: string; mode: string; concurrency: number },
  ports: SyncRunPorts,
  budget: TimeBudget,
  onProgress: (progress: SyncProgress) => void = () => undefined,
): Promise<SyncRunResult> {
  const now = ports.now ?? Date.now;
  const opened = await openPass(job, ports, now);
  const { ranges, resumed, restarted } = opened;
  let { pass } = opened;
  await ports.checkpoints.savePass(job.name, pass);

  const progress: SyncProgress = {
    pages: 0,
    rowsRead: 0,
    rowsWritten: 0,
    rowsRejected: 0,
    rangesDone: ranges.filter((r) => r.done).length,
    rangesTotal: ranges.length,
  };
  let stoppedForTime = false;
  let failure: { error: unknown } | undefined;
  const queue = ranges.filter((r) => !r.done);
  const worker = async () => {
    for (let range = queue.shift(); range && !failure; range = queue.shift()) {
      // The next page is read while this one is written: reads and writes overlap per range.
      let next: Promise<PageRead> | undefined;
      while (!range.done && !failure) {
        if (budget.remainingMs() < budget.marginMs) {
          stoppedForTime = true;
          return;
        }
        const read: PageRead = await (next ?? ports.readPage(range, range.pageState));
        next = undefined;
        if (read.nextPageState !== undefined && budget.remainingMs() >= budget.marginMs) {
          next = ports.readPage(range, read.nextPageState);
          next.catch(() => {}); // its failure is met where it is awaited
        }
        const page = {
          job: job.name,
          passId: pass.passId,
          passStartedAt: pass.startedAt,
          rangeId: range.id,
          page: range.pages,
          rows: read.rows,
        };
        const { written, rejected } = await writePage(ports.target, page, read.unreadable);
        if (rejected.length > 0) await ports.rejects.record({ ...page, rejects: rejected });
        range = {
          ...range,
          pageState: read.nextPageState,
          pages: range.pages + 1,
          rows: range.rows + read.rows.length,
          done: read.nextPageState === undefined,
        };
        await ports.checkpoints.saveRange(job.name, pass.passId, range);
        progress.pages += 1;
        progress.rowsRead += read.rows.length;
        progress.rowsWritten += written;
        progress.rowsRejected += rejected.length;
        if (range.done) progress.rangesDone += 1;
        onProgress(progress);
      }
    }
  };
  // One failing range stops the others after their current page; the error is the run's.
  await Promise.all(
    Array.from({ length: Math.max(1, job.concurrency) }, () =>
      worker().catch((error) => {
        failure ??= { error };
      }),
    ),
  );
  if (failure) throw failure.error;

  const passFinished = progress.rangesDone === progress.rangesTotal;
  if (passFinished) {
    pass = { ...pass, finishedAt: now(), passesFinished: pass.passesFinished + 1 };
    await ports.checkpoints.savePass(job.name, pass);
  }
  return {
    ...progress,
    passId: pass.passId,
    resumed,
    passFinished,
    stoppedForTime,
    ...(restarted ? { restarted } : {}),
  };
}
