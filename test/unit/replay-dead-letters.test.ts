import { describe, expect, it } from 'vitest';
import { NotSentError, replayDeadLetters } from '#lib/replay/replay-dead-letters';
import type { DeadLetter } from '#lib/store/dead-letter-rows';
import { CassandraSession, type CqlClient } from '#lib/store/session';

/** A CQL client that applies every compare-and-set and records each statement's verb. */
function recordingSession(failConfirm = false) {
  const statements: string[] = [];
  const client = {
    execute: async (cql: string) => {
      const what = cql.includes('replayed_at = ?')
        ? 'confirm'
        : cql.includes('replay_claimed_at = null,')
          ? 'release'
          : 'claim';
      statements.push(what);
      if (failConfirm && what === 'confirm') throw new Error('store timed out');
      return { first: () => ({ get: () => true }), rows: [] };
    },
    batch: async () => ({}),
    shutdown: async () => {},
  } as unknown as CqlClient;
  return { session: new CassandraSession(client, 'ks'), statements };
}

const letter = (n: number, overrides: Partial<DeadLetter> = {}): DeadLetter => ({
  source: 'orders',
  hour: 0,
  shardId: 'shardId-000000000000',
  sequenceNumber: String(n),
  partitionKey: `pk${n}`,
  field: 'at',
  reason: 'at: missing',
  raw: Buffer.from(`{"n":${n}}`),
  rawBytes: `{"n":${n}}`.length,
  rawSha256: 'hash',
  arrivedAt: 0,
  recordedAt: 0,
  ttlSeconds: 3600,
  readAt: 0,
  ...overrides,
});

describe('replayDeadLetters', () => {
  it('GIVEN a send that surely wrote nothing THEN the claim is given back and the next is replayed', async () => {
    const { session, statements } = recordingSession();
    const sent: string[] = [];
    const report = await replayDeadLetters([letter(1), letter(2)], {
      session,
      by: 'me',
      send: async ({ partitionKey }) => {
        if (partitionKey === 'pk1') throw new NotSentError('throttled 6 times');
        sent.push(partitionKey);
        return 'shardId-000000000000/9';
      },
    });
    expect(report).toMatchObject({ replayed: 1, failed: 1, 'in-doubt': 0 });
    expect(report.stoppedBecause).toBeUndefined();
    expect(sent).toEqual(['pk2']);
    expect(statements).toEqual(['claim', 'release', 'claim', 'confirm']);
  });

  it('GIVEN a send that may have written THEN it is in doubt, still claimed, and the replay stops', async () => {
    const { session, statements } = recordingSession();
    const fates: string[] = [];
    const report = await replayDeadLetters([letter(1), letter(2)], {
      session,
      by: 'me',
      send: async () => {
        throw new Error('socket hang up');
      },
      onLetter: (l, fate) => fates.push(`${l.sequenceNumber} ${fate}`),
    });
    expect(fates).toEqual(['1 in-doubt']);
    expect(report.stoppedBecause).toMatch(/may or may not have reached the stream: socket hang up/);
    expect(statements).toEqual(['claim']);
  });

  it('GIVEN a record sent but not marked THEN it is in doubt with where it went, and the replay stops', async () => {
    const { session } = recordingSession(true);
    const whys: string[] = [];
    const report = await replayDeadLetters([letter(1), letter(2)], {
      session,
      by: 'me',
      send: async () => 'shardId-000000000001/42',
      onLetter: (_l, fate, why) => whys.push(`${fate}: ${why}`),
    });
    expect(whys).toEqual([
      'in-doubt: sent as shardId-000000000001/42, but not marked so: store timed out',
    ]);
    expect(report.replayed).toBe(0);
    expect(report.stoppedBecause).toMatch(/sent as shardId-000000000001\/42/);
  });

  it('GIVEN a cut record or one already replayed THEN nothing is claimed or sent', async () => {
    const { session, statements } = recordingSession();
    const report = await replayDeadLetters(
      [letter(1, { rawBytes: 900 }), letter(2, { replayedAt: 1, replayedAs: 's/1' })],
      {
        session,
        by: 'me',
        send: async () => {
          throw new Error('must not be called');
        },
      },
    );
    expect(report).toMatchObject({ cut: 1, 'already-replayed': 1, replayed: 0 });
    expect(statements).toEqual([]);
  });
});
