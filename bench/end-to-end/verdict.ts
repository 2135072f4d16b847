/** The sender kept the rate when Kinesis accepted at least this share of rate × duration. */
export const KEPT_RATE_SHARE = 0.95;
/** A backlog of up to this many seconds of events at the end counts as keeping up. */
export const BACKLOG_ALLOWANCE_S = 2;

/** Not sustained because the sender fell short (ingest), the backlog grew (processing), or both. */
export type Verdict = { sustained: true } | { sustained: false; reasons: string[] };

export type StepFigures = {
  rate: number;
  durationMs: number;
  /** Events Kinesis accepted within the duration. */
  accepted: number;
  /** Accepted minus processed, half-way and at the end (means over a few batching cycles). */
  backlogHalfway: number;
  backlogAtEnd: number;
};

/**
 * A rate is sustained when the sender kept it (Kinesis accepted about rate × duration) and
 * the backlog did not grow over the second half: at the end no more than half-way, or than
 * BACKLOG_ALLOWANCE_S seconds of events (batching alone holds a second or two back).
 */
export function judgeStep(f: StepFigures): Verdict {
  const reasons: string[] = [];
  if (f.accepted < (KEPT_RATE_SHARE * f.rate * f.durationMs) / 1000) {
    const achieved = Math.round((f.accepted * 1000) / f.durationMs);
    reasons.push(`sender reached ${achieved}/s (ingest limit)`);
  }
  if (f.backlogAtEnd > Math.max(f.backlogHalfway, BACKLOG_ALLOWANCE_S * f.rate)) {
    const grew = `${Math.round(f.backlogHalfway)} → ${Math.round(f.backlogAtEnd)}`;
    reasons.push(`backlog grew ${grew} (processing too slow)`);
  }
  return reasons.length === 0 ? { sustained: true } : { sustained: false, reasons };
}

/** `yes`, or why not, for a table cell. */
export function describeVerdict(v: Verdict): string {
  return v.sustained ? 'yes' : `no: ${v.reasons.join('; ')}`;
}
