import { setTimeout as sleep } from 'node:timers/promises';
import type { WindowResult } from '../query/window-result.ts';
import { windowId } from './expected-counts.ts';

/** Windows the pipeline shows differently from what the events say. */
export class DemoMismatchError extends Error {
  constructor(problems: readonly string[], total: number) {
    super(
      `${problems.length} of ${total} expected final windows are not right yet:\n  ` +
        problems.slice(0, 10).join('\n  '),
    );
    this.name = 'DemoMismatchError';
  }
}

/** Each expected window that is missing, still open, or final with another count. */
export function finalWindowProblems(
  windows: readonly WindowResult[],
  expected: ReadonlyMap<string, number>,
): string[] {
  const found = new Map(windows.map((w) => [windowId(w.key, w.window, w.start), w]));
  const problems: string[] = [];
  for (const [id, count] of expected) {
    const w = found.get(id);
    if (!w) problems.push(`${id}: missing`);
    else if (!w.final) problems.push(`${id}: not final yet`);
    else if (w.events !== BigInt(count))
      problems.push(`${id}: ${w.events} events, expected ${count}`);
  }
  return problems;
}

/** Reads the windows until every expected one is final with its count, or times out. */
export async function waitForFinalWindows(
  read: () => Promise<WindowResult[]>,
  expected: ReadonlyMap<string, number>,
  timeoutMs: number,
): Promise<WindowResult[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const windows = await read();
    const problems = finalWindowProblems(windows, expected);
    if (problems.length === 0) return windows;
    if (Date.now() > deadline) throw new DemoMismatchError(problems, expected.size);
    await sleep(500);
  }
}
