import { randomUUID } from 'node:crypto';
import type { CassandraSession } from '../store/session.ts';
import { SYNC_LEASES } from './sync-tables.ts';

export type LeaseHolder = { owner: string; until: number };

/** The lease of a job's runs: taken for the run's time, handed back at its end. */
export interface SyncLease {
  /** Takes the job's lease until `until` (epoch ms), or returns who holds it. */
  take(job: string, owner: string, until: number, now: number): Promise<true | LeaseHolder>;
  /** Moves the lease's end to `until` if `owner` still holds it; false if it does not. */
  renew(job: string, owner: string, until: number): Promise<boolean>;
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

  async renew(job: string, owner: string, until: number): Promise<boolean> {
    const result = await this.#session.execute(
      `UPDATE ${this.#table} SET until = ? WHERE job = ? IF owner = ?`,
      [BigInt(until), job, owner],
      { idempotent: true },
    );
    return result.wasApplied();
  }

  async release(job: string, owner: string): Promise<void> {
    // Safe to send twice (it only ever frees the owner's own lease): retried after a reconnect.
    await this.#session.execute(
      `UPDATE ${this.#table} SET until = ? WHERE job = ? IF owner = ?`,
      [0n, job, owner],
      { idempotent: true },
    );
  }
}

function holderOf(row: { get(name: string): unknown } | null): LeaseHolder {
  return { owner: String(row?.get('owner') ?? ''), until: Number(row?.get('until') ?? 0) };
}

/** How long a lease lasts unless renewed: a run that died frees its job within this. */
const LEASE_MS = 120_000;
/** A live run renews its lease this often. */
const RENEW_EVERY_MS = 30_000;

export type LeaseClock = { now?: () => number; leaseMs?: number; renewEveryMs?: number };

/**
 * Runs `run` holding the job's lease, renewed while it runs and handed back at its end; when
 * another run holds it, does not run and says who holds it until when. A run that loses its
 * lease (frozen past its expiry, and another run took it) sees `held()` turn false and should
 * stop at its next page.
 */
export async function withSyncLease<T>(
  lease: SyncLease,
  job: string,
  run: (held: () => boolean) => Promise<T>,
  clock: LeaseClock = {},
): Promise<T | { heldBy: LeaseHolder }> {
  const now = clock.now ?? Date.now;
  const leaseMs = clock.leaseMs ?? LEASE_MS;
  const owner = randomUUID();
  const taken = await lease.take(job, owner, now() + leaseMs, now());
  if (taken !== true) return { heldBy: taken };
  let held = true;
  let renewing: Promise<void> = Promise.resolve();
  const renewal = setInterval(() => {
    renewing = lease.renew(job, owner, now() + leaseMs).then(
      (kept) => {
        held &&= kept;
      },
      () => {
        // A failed renewal is retried at the next one; the lease lasts until then.
      },
    );
  }, clock.renewEveryMs ?? RENEW_EVERY_MS);
  renewal.unref();
  try {
    return await run(() => held);
  } finally {
    clearInterval(renewal);
    // A renewal still on its way would otherwise land after the release and hold the lease on.
    await renewing;
    await lease.release(job, owner).catch(() => {
      // It expires on its own, within LEASE_MS.
    });
  }
}
