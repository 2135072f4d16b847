/** The figures a progress line shows. */
export type ProgressFigures = { sent: number; retried: number; failed: number };

const BAR_WIDTH = 24;

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** One progress line: a bar when the total is known, sent, records per second, retried. */
export function progressLine(
  figures: ProgressFigures,
  total: number | undefined,
  elapsedMs: number,
): string {
  const rate = elapsedMs > 0 ? Math.round((figures.sent * 1000) / elapsedMs) : 0;
  const done =
    total && total > 0
      ? `${bar(figures.sent / total)} ${count(figures.sent)}/${count(total)}`
      : count(figures.sent);
  const failed = figures.failed > 0 ? `  ${count(figures.failed)} failed` : '';
  return `${done} sent  ${count(rate)} rec/s  ${count(figures.retried)} retried${failed}`;
}

export function bar(fraction: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
}

/**
 * Redraws a progress line in place on `stream` about ten times a second, only when it is a
 * terminal (a log or a pipe gets no such noise). Returns the function that draws the last state
 * and ends the line.
 */
export function startProgressLine(
  stream: NodeJS.WriteStream,
  line: (elapsedMs: number) => string,
): () => void {
  if (!stream.isTTY) return () => {};
  const started = Date.now();
  // \r returns to the line's start, ESC[K clears what a longer previous line left behind.
  const draw = () => stream.write(`\r${line(Date.now() - started)}\x1b[K`);
  const timer = setInterval(draw, 100);
  timer.unref();
  draw();
  return () => {
    clearInterval(timer);
    draw();
    stream.write('\n');
  };
}

/** The progress of sending records: sent of total, records per second, retried. */
export function startProgress(
  stream: NodeJS.WriteStream,
  read: () => ProgressFigures,
  total?: number,
): () => void {
  return startProgressLine(stream, (elapsedMs) => progressLine(read(), total, elapsedMs));
}
