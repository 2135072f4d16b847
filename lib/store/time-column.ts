/**
 * Event times as bigint columns. The unbounded ends (no watermark yet, nothing held) become the
 * safe-integer limits, and come back as the infinities.
 */
export function toTimeColumn(ms: number): bigint {
  if (Number.isFinite(ms)) return BigInt(Math.trunc(ms));
  return BigInt(ms > 0 ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER);
}

export function fromTimeColumn(value: unknown): number {
  const ms = Number(value);
  if (ms <= Number.MIN_SAFE_INTEGER) return Number.NEGATIVE_INFINITY;
  if (ms >= Number.MAX_SAFE_INTEGER) return Number.POSITIVE_INFINITY;
  return ms;
}
