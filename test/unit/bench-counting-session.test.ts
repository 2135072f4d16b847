import { describe, expect, it } from 'vitest';
import { CassandraSession, type CqlClient } from '#lib/store/session';
import { CountingSession } from '../../bench/instrument.ts';

/** A client port that answers nothing: these sessions are only constructed, never used. */
const client: CqlClient = {
  execute: () => Promise.reject(new Error('not connected')),
  batch: () => Promise.reject(new Error('not connected')),
  shutdown: () => Promise.resolve(),
};

describe("the bench's counting session", () => {
  it("behaves as the session it counts for (Keyspaces mode's limits included)", () => {
    // Arrange
    const keyspacesLike = new CassandraSession(client, 'ks', {
      conditionalBatches: false,
      rangeDeletes: false,
      serialReads: false,
    });

    // Act
    const counting = new CountingSession(keyspacesLike, 'p_');

    // Assess
    expect({
      conditionalBatches: counting.conditionalBatches,
      rangeDeletes: counting.rangeDeletes,
      serialReads: counting.serialReads,
      keyspace: counting.keyspace,
    }).toEqual({
      conditionalBatches: false,
      rangeDeletes: false,
      serialReads: false,
      keyspace: 'ks',
    });
  });
});
