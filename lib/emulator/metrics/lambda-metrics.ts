import type { InvocationReport } from '../event-source/deliver-batch.ts';
import type { MetricsBoard } from './metrics-board.ts';

/**
 * What Lambda itself measures of a Kinesis-triggered function (the AWS/Lambda namespace:
 * Invocations, Errors, Duration, IteratorAge), kept beside the function's own metrics. BatchSize
 * and RecordsRead are the emulator's: CloudWatch has no such metrics (a batch's mean size is
 * RecordsIn over Invocations; what comes in is the stream's IncomingRecords).
 */
export function recordInvocation(
  board: MetricsBoard,
  fn: string,
  report: InvocationReport,
  now = Date.now(),
): void {
  board.add(fn, 'Invocations', 'Count', now, 1);
  board.add(fn, 'Errors', 'Count', now, report.failed ? 1 : 0);
  board.add(fn, 'Duration', 'Milliseconds', now, report.durationMs);
  board.add(fn, 'BatchSize', 'Count', now, report.records);
  board.add(fn, 'IteratorAge', 'Milliseconds', now, report.behindMs);
}

/** Records read from a shard, before any batch takes them: what comes in. */
export function recordRead(board: MetricsBoard, fn: string, records: number): void {
  board.add(fn, 'RecordsRead', 'Count', Date.now(), records);
}
