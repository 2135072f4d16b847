/**
 * Midnight (UTC) `days` days ago: event times for tests that go through the handler, whose
 * records arrive now and may be at most lateness.maxPast (30 days by default) behind that.
 */
export function utcDaysAgo(days: number): number {
  const DAY = 86_400_000;
  return (Math.floor(Date.now() / DAY) - days) * DAY;
}
