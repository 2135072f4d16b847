/** The nearest-rank percentile (p in 0–100) of a list; NaN when it is empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

export type LatencySummary = { probes: number; seen: number; p50Ms: number; p99Ms: number };

/** p50 and p99 of the probes that were seen, and how many were sent. */
export function summarizeLatency(latencies: readonly number[], probes: number): LatencySummary {
  return {
    probes,
    seen: latencies.length,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}
