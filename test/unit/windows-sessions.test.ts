import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addToSessions,
  mergeSessionLists,
  type Session,
  sessionsTouch,
  splitClosed,
} from '#lib/windows/index';

const GAP = 10;
const sum = (a: number, b: number) => a + b;
const concat = (a: string[], b: string[]) => [...a, ...b].sort();

/** Adds events [time, value] one by one, in the order given. */
function addAll<T>(
  events: readonly (readonly [number, T])[],
  gap: number,
  merge: (a: T, b: T) => T,
) {
  let sessions: Session<T>[] = [];
  for (const [t, value] of events) sessions = addToSessions(sessions, t, gap, value, merge);
  return sessions;
}

/** Sessions by definition: sort the times and cut wherever two are more than `gap` apart. */
function expectedSessions(events: readonly (readonly [number, number])[], gap: number) {
  const sorted = [...events].sort((a, b) => a[0] - b[0]);
  const out: Session<number>[] = [];
  for (const [t, value] of sorted) {
    const last = out.at(-1);
    if (last && t <= last.end) {
      last.end = Math.max(last.end, t + gap);
      last.value += value;
    } else {
      out.push({ start: t, end: t + gap, value });
    }
  }
  return out;
}

const events = fc.array(
  fc.tuple(fc.integer({ min: -200, max: 200 }), fc.integer({ min: 1, max: 9 })),
  {
    maxLength: 30,
  },
);

describe('addToSessions', () => {
  it('opens [t, t + gap) for a first event', () => {
    // Act
    const sessions = addToSessions([], 100, GAP, 1, sum);

    // Assess
    expect(sessions).toEqual([{ start: 100, end: 110, value: 1 }]);
  });

  it('extends a session with a later event inside the gap', () => {
    // Act
    const sessions = addAll(
      [
        [100, 1],
        [105, 2],
      ],
      GAP,
      sum,
    );

    // Assess
    expect(sessions).toEqual([{ start: 100, end: 115, value: 3 }]);
  });

  it('merges sessions that touch: events exactly gap apart share a session', () => {
    // Act
    const sessions = addAll(
      [
        [100, 1],
        [110, 2],
      ],
      GAP,
      sum,
    );

    // Assess
    expect(sessions).toEqual([{ start: 100, end: 120, value: 3 }]);
    expect(sessionsTouch({ start: 100, end: 110 }, { start: 110, end: 120 })).toBe(true);
  });

  it('keeps events more than gap apart in separate sessions', () => {
    // Act
    const sessions = addAll(
      [
        [100, 1],
        [111, 2],
      ],
      GAP,
      sum,
    );

    // Assess
    expect(sessions).toEqual([
      { start: 100, end: 110, value: 1 },
      { start: 111, end: 121, value: 2 },
    ]);
  });

  it('bridges two sessions with an event between them', () => {
    // Act
    const apart = addAll(
      [
        [100, 1],
        [118, 2],
      ],
      GAP,
      sum,
    );
    const sessions = addToSessions(apart, 109, GAP, 4, sum);

    // Assess
    expect(apart).toHaveLength(2);
    expect(sessions).toEqual([{ start: 100, end: 128, value: 7 }]);
  });

  it('bridges three sessions with one event that overlaps them all', () => {
    // Arrange
    const sessions: Session<number>[] = [
      { start: 0, end: 10, value: 1 },
      { start: 20, end: 30, value: 2 },
      { start: 40, end: 50, value: 4 },
      { start: 80, end: 90, value: 8 },
    ];

    // Act
    const merged = addToSessions(sessions, 10, 30, 16, sum);

    // Assess
    expect(merged).toEqual([
      { start: 0, end: 50, value: 23 },
      { start: 80, end: 90, value: 8 },
    ]);
    expect(sessions).toHaveLength(4);
  });

  it('takes an out-of-order event that starts the session earlier', () => {
    // Act
    const sessions = addAll(
      [
        [100, 1],
        [95, 2],
      ],
      GAP,
      sum,
    );

    // Assess
    expect(sessions).toEqual([{ start: 95, end: 110, value: 3 }]);
  });

  it('counts duplicate timestamps in one session', () => {
    // Act
    const sessions = addAll(
      [
        [100, 1],
        [100, 1],
        [100, 1],
      ],
      GAP,
      sum,
    );

    // Assess
    expect(sessions).toEqual([{ start: 100, end: 110, value: 3 }]);
  });

  it('refuses a gap that is not positive', () => {
    // Assess
    expect(() => addToSessions([], 0, 0, 1, sum)).toThrow(RangeError);
  });

  it('gives the sessions of the definition, whatever the arrival order', () => {
    fc.assert(
      fc.property(events, fc.integer({ min: 1, max: 40 }), fc.integer(), (list, gap, seed) => {
        const shuffled = [...list].sort((a, b) => hash(a, seed) - hash(b, seed));
        const sessions = addAll(shuffled, gap, sum);
        expect(sessions).toEqual(expectedSessions(list, gap));
        expect(addAll(list, gap, sum)).toEqual(sessions);
      }),
    );
  });

  it('merges values the same whatever the order, with a commutative merge', () => {
    fc.assert(
      fc.property(events, (list) => {
        const labelled = list.map(([t, v]): [number, string[]] => [t, [`${t}/${v}`]]);
        const forward = addAll(labelled, GAP, concat);
        const backward = addAll([...labelled].reverse(), GAP, concat);
        expect(backward).toEqual(forward);
      }),
    );
  });
});

describe('mergeSessionLists', () => {
  it('matches adding the events of both lists one by one', () => {
    fc.assert(
      fc.property(events, events, fc.integer({ min: 1, max: 40 }), (batch, stored, gap) => {
        const merged = mergeSessionLists(addAll(stored, gap, sum), addAll(batch, gap, sum), sum);
        expect(merged).toEqual(addAll([...stored, ...batch], gap, sum));
      }),
    );
  });

  it('merges a session of one list that bridges two of the other', () => {
    // Act
    const merged = mergeSessionLists(
      [
        { start: 0, end: 10, value: 1 },
        { start: 30, end: 40, value: 2 },
      ],
      [{ start: 10, end: 30, value: 4 }],
      sum,
    );

    // Assess
    expect(merged).toEqual([{ start: 0, end: 40, value: 7 }]);
  });
});

describe('splitClosed', () => {
  it('closes the sessions that end by closeBefore and keeps the rest open', () => {
    // Arrange
    const sessions: Session<number>[] = [
      { start: 0, end: 10, value: 1 },
      { start: 20, end: 30, value: 2 },
      { start: 40, end: 50, value: 3 },
    ];

    // Act
    const { closed, open } = splitClosed(sessions, 30);

    // Assess
    expect(closed.map((s) => s.value)).toEqual([1, 2]);
    expect(open.map((s) => s.value)).toEqual([3]);
    expect(splitClosed(sessions, 29).closed).toHaveLength(1);
    expect(splitClosed(sessions, Number.NEGATIVE_INFINITY).open).toHaveLength(3);
  });
});

/** A deterministic shuffle key for an event under a seed. */
function hash(event: readonly [number, number], seed: number): number {
  return Math.imul(event[0] * 31 + event[1], 2_654_435_761 ^ seed) >>> 0;
}
