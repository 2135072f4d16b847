import type { SendSummary } from '#lib/kinesis/send-records';
import type { Output } from './output.ts';

/** Shows the first `limit` problems and counts the rest, so a bad file cannot flood the screen. */
export class ProblemLog {
  readonly #out: Output;
  readonly #limit: number;
  #seen = 0;

  constructor(out: Output, limit = 20) {
    this.#out = out;
    this.#limit = limit;
  }

  report(message: string): void {
    this.#seen += 1;
    if (this.#seen <= this.#limit) this.#out.error(message);
  }

  /** Says how many problems were not shown, if any. */
  finish(): void {
    const hidden = this.#seen - this.#limit;
    if (hidden > 0) this.#out.error(`… and ${hidden} more problem(s) not shown`);
  }
}

/** The closing line of `cassflow send`, on stdout: plain numbers, easy to grep. */
export function summaryLine(stream: string, summary: SendSummary, elapsedMs: number): string {
  const seconds = elapsedMs / 1000;
  const rate = seconds > 0 ? Math.round(summary.sent / seconds) : summary.sent;
  return (
    `Sent ${summary.sent} records to stream ${stream} in ${seconds.toFixed(1)} s ` +
    `(${rate} rec/s): ${summary.retried} retried, ${summary.failed} failed, ` +
    `${summary.invalid} invalid (${summary.calls} PutRecords calls, ` +
    `${summary.rejectedCalls} refused whole)`
  );
}
