export const HOUR_MS = 3_600_000;

/** The UTC day holding `ms`, as CQL `date` text: late events are partitioned by it. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The start of the UTC hour holding `ms`: dead letters and sync rejects are partitioned by it. */
export function utcHour(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}
