import type { CassandraSession } from '../store/session.ts';
import { SYNC_PASSES, SYNC_RANGES } from './sync-tables.ts';
import type { TokenRange } from './token-ranges.ts';

/** A job's current (or last) pass. */
export type PassState = {
  passId: string;
  mode: string;
  startedAt: number;
  /** Set once every range of the pass was read: the next run starts a new pass. */
  finishedAt: number | undefined;
  passesFinished: number;
  runs: number;
  closedThrough: number | undefined;
};

/** Where one token range of the current pass stands. */
export type RangeState = TokenRange & {
  pageState: string | undefined;
  pages: number;
  rows: number;
  done: boolean;
};

/** Sync positions, so a run cut short (time budget, error) resumes at the page it stopped at. */
export interface SyncCheckpoints {
  loadPass(job: string): Promise<PassState | undefined>;
  savePass(job: string, pass: PassState): Promise<void>;
  /** Replaces the job's ranges with the new pass's. */
  startRanges(job: string, passId: string, ranges: readonly RangeState[]): Promise<void>;
  loadRanges(job: string, passId: string): Promise<RangeState[]>;
  saveRange(job: string, passId: string, range: RangeState): Promise<void>;
}

export class CqlSyncCheckpoints implements SyncCheckpoints {
  readonly #session: CassandraSession;
  readonly #passes: string;
  readonly #ranges: string;

  constructor(session: CassandraSession) {
    this.#session = session;
    this.#passes = session.table(SYNC_PASSES.name);
    this.#ranges = session.table(SYNC_RANGES.name);
  }

  async loadPass(job: string): Promise<PassState | undefined> {
    const result = await this.#session.execute(
      `SELECT pass_id, mode, started_at, finished_at, passes_finished, runs, closed_through FROM ${this.#passes} WHERE job = ?`,
      [job],
      { idempotent: true },
    );
    const row = result.first();
    if (!row) return undefined;
    const finished = row.get('finished_at') as Date | null;
    const closed = row.get('closed_through') as bigint | null;
    return {
      passId: String(row.get('pass_id')),
      mode: String(row.get('mode')),
      startedAt: (row.get('started_at') as Date).getTime(),
      finishedAt: finished ? finished.getTime() : undefined,
      passesFinished: Number(row.get('passes_finished') ?? 0),
      runs: Number(row.get('runs') ?? 0),
      closedThrough: closed === null ? undefined : Number(closed),
    };
  }

  async savePass(job: string, pass: PassState): Promise<void> {
    await this.#session.execute(
      `INSERT INTO ${this.#passes} (job, pass_id, mode, started_at, finished_at, passes_finished, runs, closed_through) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        job,
        pass.passId,
        pass.mode,
        new Date(pass.startedAt),
        pass.finishedAt === undefined ? null : new Date(pass.finishedAt),
        BigInt(pass.passesFinished),
        BigInt(pass.runs),
        pass.closedThrough === undefined ? null : BigInt(pass.closedThrough),
      ],
      { idempotent: true },
    );
  }

  async startRanges(job: string, passId: string, ranges: readonly RangeState[]): Promise<void> {
    await this.#session.execute(`DELETE FROM ${this.#ranges} WHERE job = ?`, [job], {
      idempotent: true,
    });
    for (const range of ranges) await this.saveRange(job, passId, range);
  }

  async loadRanges(job: string, passId: string): Promise<RangeState[]> {
    const ranges: RangeState[] = [];
    const cql = `SELECT range_id, pass_id, range_start, range_end, page_state, pages, rows, done FROM ${this.#ranges} WHERE job = ?`;
    for await (const row of this.#session.rows(cql, [job], { idempotent: true })) {
      if (row.get('pass_id') !== passId) continue;
      const state = row.get('page_state') as Buffer | null;
      ranges.push({
        id: Number(row.get('range_id')),
        start: BigInt(row.get('range_start')),
        end: BigInt(row.get('range_end')),
        pageState: state ? state.toString('hex') : undefined,
        pages: Number(row.get('pages')),
        rows: Number(row.get('rows')),
        done: Boolean(row.get('done')),
      });
    }
    return ranges;
  }

  async saveRange(job: string, passId: string, range: RangeState): Promise<void> {
    await this.#session.execute(
      `INSERT INTO ${this.#ranges} (job, range_id, pass_id, range_start, range_end, page_state, pages, rows, done, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        job,
        range.id,
        passId,
        range.start,
        range.end,
        range.pageState ? Buffer.from(range.pageState, 'hex') : null,
        range.pages,
        BigInt(range.rows),
        range.done,
        new Date(),
      ],
      { idempotent: true },
    );
  }
}
