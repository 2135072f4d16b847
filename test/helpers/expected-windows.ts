import type { TestEvent } from './event-stream.ts';

/** What a window of the ground truth holds: every value, so any aggregate can be computed. */
export type ExpectedWindow = {
  key: string;
  window: string;
  start: number;
  end: number;
  events: TestEvent[];
};

/**
 * The windows of `events` computed directly from the definitions, without cassflow's window code:
 * tumbling [k·size, (k+1)·size); sliding windows of `size` starting at every multiple of `slide`;
 * sessions as runs of a key's events at most `gap` apart, ending `gap` after the last.
 */
export function expectedWindows(
  events: readonly TestEvent[],
  spec: {
    tumbling: number;
    sliding: { size: number; slide: number };
    sessionGap: number;
    names: [string, string, string];
  },
): Map<string, ExpectedWindow> {
  const out = new Map<string, ExpectedWindow>();
  const add = (key: string, window: string, start: number, end: number, e: TestEvent) => {
    const id = `${key}|${window}|${start}`;
    const w = out.get(id) ?? { key, window, start, end, events: [] };
    w.events.push(e);
    out.set(id, w);
  };
  const [tumblingName, slidingName, sessionName] = spec.names;
  const { size, slide } = spec.sliding;
  for (const e of events) {
    const t = Math.floor(e.ts / spec.tumbling) * spec.tumbling;
    add(e.user, tumblingName, t, t + spec.tumbling, e);
    for (let s = Math.floor(e.ts / slide) * slide; s > e.ts - size; s -= slide) {
      add(e.user, slidingName, s, s + size, e);
    }
  }
  const byKey = new Map<string, TestEvent[]>();
  for (const e of events) {
    const list = byKey.get(e.user);
    if (list) list.push(e);
    else byKey.set(e.user, [e]);
  }
  for (const [key, list] of byKey) {
    const sorted = [...list].sort((a, b) => a.ts - b.ts);
    let run: TestEvent[] = [];
    const flush = () => {
      const first = run[0] as TestEvent;
      const last = run[run.length - 1] as TestEvent;
      out.set(`${key}|${sessionName}|${first.ts}`, {
        key,
        window: sessionName,
        start: first.ts,
        end: last.ts + spec.sessionGap,
        events: run,
      });
    };
    for (const e of sorted) {
      const last = run[run.length - 1];
      if (last && e.ts - last.ts > spec.sessionGap) {
        flush();
        run = [];
      }
      run.push(e);
    }
    if (run.length > 0) flush();
  }
  return out;
}

/** The value at rank floor(q·(n−1)) of the sorted values: what quantile(field, q) estimates. */
export function exactQuantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))] as number;
}
