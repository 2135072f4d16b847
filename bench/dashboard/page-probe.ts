import type { Page } from 'playwright-core';

/** What the page did over a phase: its renders, its main thread's lag, its long tasks. */
export type PageFigures = { renders: number[]; lagMs: number[]; longTasks: number[] };

// Run in the page (the project's TypeScript has no DOM types): kept as the page's JavaScript.
const PROBE = `
  globalThis.benchLag = [];
  globalThis.benchLongTasks = [];
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    globalThis.benchLag.push(Math.max(0, now - last - 50));
    last = now;
  }, 50);
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) globalThis.benchLongTasks.push(entry.duration);
  }).observe({ type: 'longtask', buffered: true });
`;

/**
 * Installed before the page loads: a 50 ms timer whose lateness is the main thread's lag (what a
 * click would wait), and an observer of long tasks (over 50 ms). The page itself measures each
 * update's render as `cassflow:render`.
 */
export async function installProbe(page: Page): Promise<void> {
  await page.addInitScript(PROBE);
}

/** Starts a phase: what the page measured so far is dropped. */
export async function resetProbe(page: Page): Promise<void> {
  await page.evaluate(`
    globalThis.benchLag = [];
    globalThis.benchLongTasks = [];
    performance.clearMeasures('cassflow:render');
  `);
}

export function readProbe(page: Page): Promise<PageFigures> {
  return page.evaluate(`({
    renders: performance.getEntriesByName('cassflow:render').map((e) => e.duration),
    lagMs: [...globalThis.benchLag],
    longTasks: [...globalThis.benchLongTasks],
  })`) as Promise<PageFigures>;
}
