/** The largest TTL Cassandra and Keyspaces take: 20 years. */
export const MAX_TTL_SECONDS = 630_720_000;

/**
 * A retention (ms) as a table TTL in whole seconds, or undefined when none is set. Problems go to
 * `issues`: a TTL over Keyspaces' 20-year limit, or one that would expire rows still being
 * written (shorter than `mustOutlastMs`: the largest window plus its lateness).
 */
export function checkRetention(
  retentionMs: number | undefined,
  mustOutlastMs: number,
  issues: string[],
): number | undefined {
  if (retentionMs === undefined) return undefined;
  const seconds = Math.ceil(retentionMs / 1000);
  if (seconds < 1) issues.push('retention: must be at least 1s');
  else if (seconds > MAX_TTL_SECONDS) issues.push('retention: must be at most 20 years (7300d)');
  else if (retentionMs <= mustOutlastMs) {
    issues.push(
      `retention: ${seconds}s would expire rows still being written; it must be longer than ` +
        `the largest window plus its lateness (${Math.ceil(mustOutlastMs / 1000)}s)`,
    );
  } else return seconds;
  return undefined;
}
