import { formatDuration } from './duration.ts';
import { WindowSpecError } from './errors.ts';
import { MAX_PANES_PER_WINDOW, MAX_WINDOW_MS, MIN_WINDOW_MS, suggestSlide } from './limits.ts';
import { paneLength } from './panes.ts';
import type { WindowSpec } from './window.ts';

/** How an error names a field: 'sliding(slide)' from a factory, 'windows[1].slide' from config. */
export type FieldNamer = (field: 'size' | 'slide' | 'gap') => string;

const KINDS = new Set(['tumbling', 'sliding', 'session']);

/**
 * Checks a window declaration written by hand (the factories check their own): a known kind, and
 * every duration a whole number of ms from 1 s to 366 days; for sliding windows slide ≤ size and
 * at most 10,000 panes per window.
 *
 * @param what Names the declaration in errors, e.g. 'windows[1]' gives 'windows[1].size'.
 * @throws WindowSpecError naming the offending field.
 */
export function checkWindowSpec(spec: unknown, what: string): WindowSpec {
  if (typeof spec !== 'object' || spec === null) {
    throw new WindowSpecError(`${what}: expected a window such as tumbling('1m'), got ${spec}`);
  }
  const kind = (spec as { kind?: unknown }).kind;
  if (typeof kind !== 'string' || !KINDS.has(kind)) {
    throw new WindowSpecError(
      `${what}.kind: ${JSON.stringify(kind)} is not 'tumbling', 'sliding' or 'session'`,
    );
  }
  assertWindowSpec(spec as WindowSpec, (field) => `${what}.${field}`);
  return spec as WindowSpec;
}

/** Checks durations already in ms against the limits; shared by checkWindowSpec and factories. */
export function assertWindowSpec(spec: WindowSpec, name: FieldNamer): void {
  if (spec.kind === 'session') {
    checkLength(spec.gap, name('gap'));
    return;
  }
  checkLength(spec.size, name('size'));
  if (spec.kind === 'tumbling') return;
  checkLength(spec.slide, name('slide'));
  const size = formatDuration(spec.size);
  const slide = formatDuration(spec.slide);
  if (spec.slide > spec.size) {
    throw new WindowSpecError(
      `${name('slide')}: ${slide} is longer than the window size ${size}; a slide must be at most the size`,
    );
  }
  const pane = paneLength(spec);
  const panes = spec.size / pane;
  if (panes > MAX_PANES_PER_WINDOW) {
    const better = formatDuration(suggestSlide(spec.size, spec.slide));
    throw new WindowSpecError(
      `${name('slide')}: a ${size} window sliding by ${slide} is kept as ${panes.toLocaleString('en-US')} panes of ${formatDuration(pane)} ` +
        `(the gcd of size and slide), more than ${MAX_PANES_PER_WINDOW.toLocaleString('en-US')}; ` +
        `use a coarser slide that divides ${size}, e.g. sliding('${size}', '${better}')`,
    );
  }
}

function checkLength(ms: unknown, name: string): void {
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms <= 0) {
    const shown = typeof ms === 'string' ? JSON.stringify(ms) : String(ms);
    throw new WindowSpecError(
      `${name}: ${shown} is not a positive whole number of milliseconds; tumbling(), sliding() and session() also read durations such as '1m'`,
    );
  }
  if (ms < MIN_WINDOW_MS || ms > MAX_WINDOW_MS) {
    const limits = `${formatDuration(MIN_WINDOW_MS)} to ${formatDuration(MAX_WINDOW_MS)}`;
    throw new WindowSpecError(`${name}: ${formatDuration(ms)} is outside the allowed ${limits}`);
  }
}
