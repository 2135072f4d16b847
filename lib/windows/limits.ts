/** The shortest window size, slide or session gap: 1 s. */
export const MIN_WINDOW_MS = 1000;

/** The longest window size, slide or session gap: 366 days (a leap year). */
export const MAX_WINDOW_MS = 366 * 86_400_000;

/** A sliding window is read back from size / paneLength panes when it closes: bound that. */
export const MAX_PANES_PER_WINDOW = 10_000;

// Slides people pick, smallest first: a suggestion from here reads better than '8s640ms'.
const NICE_SLIDES = [1, 2, 5, 10, 15, 20, 30]
  .map((s) => s * 1000)
  .concat(
    [1, 2, 5, 10, 15, 20, 30].map((m) => m * 60_000),
    [1, 2, 3, 4, 6, 8, 12, 24].map((h) => h * 3_600_000),
    [2, 7].map((d) => d * 86_400_000),
  );

/**
 * A slide at least `slide` that divides `size` into at most MAX_PANES_PER_WINDOW panes, for the
 * error when a sliding window needs too many: a round one when one fits, else the smallest.
 */
export function suggestSlide(size: number, slide: number): number {
  const least = Math.max(slide, Math.ceil(size / MAX_PANES_PER_WINDOW));
  const nice = NICE_SLIDES.find((s) => s >= least && size % s === 0);
  if (nice !== undefined) return nice;
  let best = size;
  for (let i = 1; i * i <= size; i++) {
    if (size % i !== 0) continue;
    for (const d of [i, size / i]) if (d >= least && d < best) best = d;
  }
  return best;
}
