/**
 * A session of one key: [first event, last event + gap), with the fold of its events' values.
 * Lists of sessions are kept sorted by start, and no two in a list overlap or touch.
 */
export type Session<T> = { start: number; end: number; value: T };

/** Folds two sessions' values; must be associative and commutative for order independence. */
export type MergeValues<T> = (a: T, b: T) => T;

/**
 * Flink's TimeWindow.intersects: [a, b) and [c, d) merge when a ≤ d and b ≥ c, so sessions that
 * merely touch (b = c) merge too. Hence events at most `gap` apart share a session.
 */
export function sessionsTouch(
  a: { start: number; end: number },
  b: { start: number; end: number },
): boolean {
  return a.start <= b.end && a.end >= b.start;
}

/**
 * Adds an event at `t` to a key's sessions: it forms [t, t + gap) and merges with every session
 * it overlaps or touches, which may bridge two or more sessions into one. Returns a new sorted
 * list and leaves `sessions` as it was.
 */
export function addToSessions<T>(
  sessions: readonly Session<T>[],
  t: number,
  gap: number,
  value: T,
  merge: MergeValues<T>,
): Session<T>[] {
  if (!(gap > 0)) throw new RangeError(`addToSessions: gap must be positive, got ${gap}`);
  return mergeSessionLists(sessions, [{ start: t, end: t + gap, value }], merge);
}

/**
 * Combines two lists of sessions of one key (say a batch's sessions and the stored open ones)
 * into one sorted list, merging every chain of overlapping or touching sessions. The boundaries
 * are those of adding all their events one by one, in any order; so are the values when `merge`
 * is associative and commutative. Neither input needs to be sorted or merged already.
 */
export function mergeSessionLists<T>(
  a: readonly Session<T>[],
  b: readonly Session<T>[],
  merge: MergeValues<T>,
): Session<T>[] {
  const all = [...a, ...b].sort((x, y) => x.start - y.start || x.end - y.end);
  const out: Session<T>[] = [];
  let current: Session<T> | undefined;
  for (const s of all) {
    // Sorted by start, so s touches the run so far exactly when it starts by the run's end.
    if (current && s.start <= current.end) {
      current = {
        start: current.start,
        end: Math.max(current.end, s.end),
        value: merge(current.value, s.value),
      };
      continue;
    }
    if (current) out.push(current);
    current = { ...s };
  }
  if (current) out.push(current);
  return out;
}

/**
 * Splits sessions at `closeBefore`: `closed` are those with end ≤ closeBefore, the rest stay
 * `open`. With closeBefore = watermark − allowed lateness, `closed` is what isLate calls final.
 */
export function splitClosed<T>(
  sessions: readonly Session<T>[],
  closeBefore: number,
): { closed: Session<T>[]; open: Session<T>[] } {
  const closed: Session<T>[] = [];
  const open: Session<T>[] = [];
  for (const s of sessions) (s.end <= closeBefore ? closed : open).push(s);
  return { closed, open };
}
