import { randomUUID } from 'node:crypto';
import type { CassandraSession } from '../store/session.ts';
import { SYNC_LEASES } from './sync-tables.ts';

export type LeaseHolder = { owner: string; until: number };

/** The lease of a job's runs: taken for the run's time, handed back at its end. */
export interface SyncLease {
  /** Takes the job's lease until `until` (epoch ms), or returns who holds it. */
  take(job: string, owner: string, until: number, now: number): Promise<true | LeaseHolder>;
  release(job: string, owner: string): Promise<void>;
}

/**
 * The lease as one row per job, moved only by compare-and-set: on the holder and expiry a
 * reader saw, so of two runs that found it free, exactly one takes it.
 */
export class CqlSyncLease implements SyncLease {
  readonly #session: CassandraSession;
  readonly #table: string;

  constructor(session: CassandraSession) {
    this.#session = session;
    this.#table = session.table(SYNC_LEASES.name);
  }

  async take(job: string, owner: string, until: number, now: number) {
    const created = await this.#session.execute(
      `INSERT INTO ${this.#table} (job, owner, until) VALUES (?, ?, ?) IF NOT EXISTS`,
      [job, owner, BigInt(until)],
    );
    if (created.wasApplied()) return true;
    const held = holderOf(created.first());
    if (held.until > now && held.owner !== owner) return held;
    const moved = await this.#session.execute(
      `UPDATE ${this.#table} SET owner = ?, until = ? WHERE job = ? IF owner = ? AND until = ?`,
      [owner, BigInt(until), job, held.owner, BigInt(held.until)],
    );
    return moved.wasApplied() ? true : holderOf(moved.first());
  }

  async release(job: string, owner: string): Promise<void> {
    await this.#session.execute(`UPDATE ${this.#table} SET until = ? WHERE job = ? IF owner = ?`, [
      0n,
      job,
      owner,
    ]);
  }
}

function holderOf(row: { get(name: string): unknown } | null): LeaseHolder {
  return { owner: String(row?.get('owner') ?? ''), until: Number(row?.get('until') ?? 0) };
}

/** A lease outlives its run's budget by this much (a run frozen or killed frees it then). */
const LEASE_GRACE_MS = 60_000;
/** A run without a deadline (the CLI's, unbounded) takes the lease for a day at most. */
const LONGEST_LEASE_MS = 86_400_000;

/**
 * Runs `run` holding the job's lease for the run's budget, and hands it back afterwards; when
 * another run holds it, does not run and says who holds it until when.
 */
export async function withSyncLease<T>(
  lease: SyncLease,
  job: string,
  remainingMs: number,
  run: () => Promise<T>,
): Promise<T | { heldBy: LeaseHolder }> {
  const owner = randomUUID();
  const now = Date.now();
  const until = now + Math.min(Math.max(0, remainingMs), LONGEST_LEASE_MS) + LEASE_GRACE_MS;
  const taken = await lease.take(job, owner, until, now);
  if (taken !== true) return { heldBy: taken };
  try {
    return await run();
  } finally {
    await lease.release(job, owner).catch(() => {
      // It expires on its own; the next run waits at most the grace for it.
    });
  }
}
