import {
  claimReplay,
  confirmReplay,
  type DeadLetter,
  releaseClaim,
  takeOverClaim,
} from '../store/dead-letter-rows.ts';
import type { CassandraSession } from '../store/session.ts';

/** Puts one record into the pipeline's stream; resolves where it landed ('shard/sequence'). */
export type SendRecord = (record: { partitionKey: string; data: Uint8Array }) => Promise<string>;

/** A send that failed for certain (nothing reached the stream), as opposed to one in doubt. */
export class NotSentError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NotSentError';
  }
}

/** What became of one selected dead letter. */
export type ReplayFate =
  | 'replayed'
  | 'already-replayed'
  /** Claimed by a replay that never confirmed it: it may or may not be in the stream. */
  | 'in-doubt'
  /** Its raw bytes were cut at deadLetters.maxRawBytes: only the producer has them whole. */
  | 'cut'
  | 'failed';

/** How many letters had each fate, and why the replay stopped early, if it did. */
export type ReplayReport = Record<ReplayFate, number> & { stoppedBecause?: string };

export type ReplayPorts = {
  session: CassandraSession;
  send: SendRecord;
  /** Who replays, kept in the claim (e.g. user@host and a run id). */
  by: string;
  /** Also replay letters in doubt (claimed, never confirmed): someone checked they are not in the stream. */
  retryInDoubt?: boolean;
  now?: () => number;
  /** After each letter: its fate, and why for 'failed' and 'in-doubt'. */
  onLetter?: (letter: DeadLetter, fate: ReplayFate, why?: string) => void;
};

/**
 * Sends dead letters back into their pipeline's stream, each at most once: a compare-and-set
 * claims a letter before it is sent and a second write confirms where it went. A send that
 * surely failed gives the claim back; one that may have reached the stream (a timeout) leaves it
 * claimed and reports it in doubt, for a person to decide, rather than risk a duplicate; the
 * replay then stops, as the next sends would most likely end in doubt too.
 */
export async function replayDeadLetters(
  letters: AsyncIterable<DeadLetter> | Iterable<DeadLetter>,
  ports: ReplayPorts,
): Promise<ReplayReport> {
  const now = ports.now ?? Date.now;
  const report: ReplayReport = {
    replayed: 0,
    'already-replayed': 0,
    'in-doubt': 0,
    cut: 0,
    failed: 0,
  };
  const settle = (letter: DeadLetter, fate: ReplayFate, why?: string) => {
    report[fate] += 1;
    ports.onLetter?.(letter, fate, why);
  };
  for await (const letter of letters) {
    if (letter.replayedAt !== undefined) {
      settle(letter, 'already-replayed', letter.replayedAs);
      continue;
    }
    const inDoubt = letter.replayClaimedAt !== undefined;
    if (inDoubt && !ports.retryInDoubt) {
      settle(letter, 'in-doubt', `claimed by ${letter.replayClaimedBy ?? 'unknown'}`);
      continue;
    }
    if (letter.raw.byteLength < letter.rawBytes) {
      settle(letter, 'cut', `${letter.raw.byteLength} of ${letter.rawBytes} bytes kept`);
      continue;
    }
    const claim = inDoubt ? takeOverClaim : claimReplay;
    if (!(await claim(ports.session, letter, ports.by, now()))) {
      // Another replay took it between the read and the claim.
      settle(letter, 'already-replayed', 'claimed by another replay');
      continue;
    }
    let landed: string;
    try {
      landed = await ports.send({ partitionKey: letter.partitionKey, data: letter.raw });
    } catch (error) {
      const why = (error as Error).message;
      if (error instanceof NotSentError) {
        await releaseClaim(ports.session, letter, ports.by);
        settle(letter, 'failed', why);
        continue;
      }
      settle(letter, 'in-doubt', why);
      report.stoppedBecause = `a send may or may not have reached the stream: ${why}`;
      return report;
    }
    try {
      await confirmReplay(ports.session, letter, landed, now());
    } catch (error) {
      // It is in the stream: say where, so nobody sends it again with --retry-in-doubt.
      const why = `sent as ${landed}, but not marked so: ${(error as Error).message}`;
      settle(letter, 'in-doubt', why);
      report.stoppedBecause = why;
      return report;
    }
    settle(letter, 'replayed', landed);
  }
  return report;
}
