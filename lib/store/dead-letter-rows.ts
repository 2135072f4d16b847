import type { types } from 'cassandra-driver';
import { DEAD_LETTERS } from './schema/core-tables.ts';
import type { CassandraSession } from './session.ts';
import { HOUR_MS, utcHour } from './utc-periods.ts';

/** Where one dead letter is: its partition (source, hour) and its clustering key. */
export type DeadLetterId = {
  source: string;
  hour: number;
  shardId: string;
  sequenceNumber: string;
};

/** A dead letter as read back, with its replay marks. */
export type DeadLetter = DeadLetterId & {
  partitionKey: string;
  field: string;
  reason: string;
  raw: Buffer;
  rawBytes: number;
  rawSha256: string;
  arrivedAt: number;
  recordedAt: number;
  /** Seconds until the row expires (its pipeline's `deadLetters.keep`), as of `readAt`. */
  ttlSeconds: number | undefined;
  readAt: number;
  replayClaimedAt?: number;
  replayClaimedBy?: string;
  replayedAt?: number;
  replayedAs?: string;
};

const COLUMNS =
  'source, hour, shard_id, sequence_number, partition_key, field, reason, raw, raw_bytes, ' +
  'raw_sha256, arrived_at, recorded_at, TTL(reason) AS ttl, replay_claimed_at, ' +
  'replay_claimed_by, replayed_at, replayed_as';

function deadLetterOf(row: types.Row): DeadLetter {
  const time = (name: string) => (row.get(name) as Date | null)?.getTime();
  const text = (name: string) => (row.get(name) as string | null) ?? undefined;
  const optional = <T>(name: string, value: T | undefined) =>
    value === undefined ? {} : { [name]: value };
  return {
    source: row.get('source'),
    hour: time('hour') ?? 0,
    shardId: row.get('shard_id'),
    sequenceNumber: String(row.get('sequence_number')),
    partitionKey: row.get('partition_key') ?? '',
    field: row.get('field') ?? '',
    reason: row.get('reason') ?? '',
    raw: row.get('raw') ?? Buffer.alloc(0),
    rawBytes: row.get('raw_bytes') ?? 0,
    rawSha256: row.get('raw_sha256') ?? '',
    arrivedAt: time('arrived_at') ?? 0,
    recordedAt: time('recorded_at') ?? 0,
    ttlSeconds: row.get('ttl') ?? undefined,
    readAt: Date.now(),
    ...optional('replayClaimedAt', time('replay_claimed_at')),
    ...optional('replayClaimedBy', text('replay_claimed_by')),
    ...optional('replayedAt', time('replayed_at')),
    ...optional('replayedAs', text('replayed_as')),
  };
}

/**
 * A source's dead letters that arrived in [from, to), hour partition by hour partition in order,
 * page by page: memory stays at a page however many there are.
 */
export async function* deadLettersBetween(
  session: CassandraSession,
  source: string,
  from: number,
  to: number,
): AsyncGenerator<DeadLetter> {
  const table = session.table(DEAD_LETTERS.name);
  for (let hour = utcHour(from); hour < to; hour += HOUR_MS) {
    const rows = session.rows(
      `SELECT ${COLUMNS} FROM ${table} WHERE source = ? AND hour = ?`,
      [source, new Date(hour)],
      { idempotent: true, fetchSize: 500 },
    );
    for await (const row of rows) {
      const letter = deadLetterOf(row);
      if (isGhost(letter)) continue;
      if (letter.arrivedAt >= from && letter.arrivedAt < to) yield letter;
    }
  }
}

/** One dead letter, or undefined if there is none there (or it expired). */
export async function deadLetterAt(
  session: CassandraSession,
  id: DeadLetterId,
): Promise<DeadLetter | undefined> {
  const result = await session.execute(
    `SELECT ${COLUMNS} FROM ${session.table(DEAD_LETTERS.name)} WHERE source = ? AND hour = ? AND shard_id = ? AND sequence_number = ?`,
    [id.source, new Date(id.hour), id.shardId, id.sequenceNumber],
    { idempotent: true },
  );
  const row = result.first();
  const letter = row ? deadLetterOf(row) : undefined;
  return letter && !isGhost(letter) ? letter : undefined;
}

/**
 * Replay marks written just before the row expired can outlive it for a moment: such a row has
 * marks but no record (no hash), and is no dead letter.
 */
function isGhost(letter: DeadLetter): boolean {
  return letter.rawSha256 === '';
}

/** The row's remaining TTL now, so marks written later expire with it, not after. */
function remainingTtl(letter: DeadLetter, at: number): number {
  const ttl = letter.ttlSeconds ?? DEAD_LETTERS.ttlSeconds;
  return Math.max(1, ttl - Math.ceil(Math.max(0, at - letter.readAt) / 1000));
}

const key = (id: DeadLetterId) => [id.source, new Date(id.hour), id.shardId, id.sequenceNumber];

/**
 * Takes a dead letter for replay with a compare-and-set: true for exactly one caller however
 * many replays race. The marks expire with the row (its remaining TTL).
 */
export async function claimReplay(
  session: CassandraSession,
  letter: DeadLetter,
  by: string,
  at: number,
): Promise<boolean> {
  const result = await session.execute(
    `UPDATE ${session.table(DEAD_LETTERS.name)} USING TTL ? SET replay_claimed_at = ?, replay_claimed_by = ? WHERE source = ? AND hour = ? AND shard_id = ? AND sequence_number = ? IF replay_claimed_at = null AND raw_sha256 = ?`,
    // The hash condition fails on a row that expired since it was read, creating nothing.
    [remainingTtl(letter, at), new Date(at), by, ...key(letter), letter.rawSha256],
  );
  return result.first()?.get('[applied]') === true;
}

/**
 * Takes over a claim that was never confirmed (its replay may or may not have sent it), when a
 * person has checked the stream and asks for it: true for exactly one caller.
 */
export async function takeOverClaim(
  session: CassandraSession,
  letter: DeadLetter,
  by: string,
  at: number,
): Promise<boolean> {
  const result = await session.execute(
    `UPDATE ${session.table(DEAD_LETTERS.name)} USING TTL ? SET replay_claimed_at = ?, replay_claimed_by = ? WHERE source = ? AND hour = ? AND shard_id = ? AND sequence_number = ? IF replay_claimed_by = ? AND replayed_at = null AND raw_sha256 = ?`,
    [
      remainingTtl(letter, at),
      new Date(at),
      by,
      ...key(letter),
      letter.replayClaimedBy ?? null,
      letter.rawSha256,
    ],
  );
  return result.first()?.get('[applied]') === true;
}

/** Marks a claimed dead letter as back in the stream, and where (the new sequence number). */
export async function confirmReplay(
  session: CassandraSession,
  letter: DeadLetter,
  as: string,
  at: number,
): Promise<void> {
  await session.execute(
    `UPDATE ${session.table(DEAD_LETTERS.name)} USING TTL ? SET replayed_at = ?, replayed_as = ? WHERE source = ? AND hour = ? AND shard_id = ? AND sequence_number = ?`,
    [remainingTtl(letter, at), new Date(at), as, ...key(letter)],
    { idempotent: true },
  );
}

/** Gives a claim back (the send failed before the record reached the stream). */
export async function releaseClaim(
  session: CassandraSession,
  letter: DeadLetter,
  by: string,
): Promise<void> {
  await session.execute(
    `UPDATE ${session.table(DEAD_LETTERS.name)} SET replay_claimed_at = null, replay_claimed_by = null WHERE source = ? AND hour = ? AND shard_id = ? AND sequence_number = ? IF replay_claimed_by = ?`,
    [...key(letter), by],
  );
}
