import { assertWindowSpec } from './check-spec.ts';
import { DurationError, parseDuration } from './duration.ts';
import { WindowSpecError } from './errors.ts';
import type { SessionSpec, SlidingSpec, TumblingSpec } from './window.ts';

/** A duration argument: '1m', '1h30m', '5 minutes', or whole milliseconds. */
export type DurationInput = string | number;

function ms(input: DurationInput, name: string): number {
  try {
    return parseDuration(input, name);
  } catch (error) {
    if (error instanceof DurationError) throw new WindowSpecError(error.message, { cause: error });
    throw error;
  }
}

/**
 * Fixed, non-overlapping windows of `size` (1 s to 366 days), aligned to the epoch.
 *
 * @example tumbling('1m')
 * @throws WindowSpecError naming the argument, e.g. 'tumbling(size)'.
 */
export function tumbling(size: DurationInput): TumblingSpec {
  const spec: TumblingSpec = { kind: 'tumbling', size: ms(size, 'tumbling(size)') };
  assertWindowSpec(spec, (field) => `tumbling(${field})`);
  return spec;
}

/**
 * Windows of `size` starting every `slide` (slide ≤ size), aligned to the epoch. Any slide works;
 * events are kept in panes of gcd(size, slide), at most 10,000 per window.
 *
 * @example sliding('10m', '1m')
 * @throws WindowSpecError naming the argument, e.g. 'sliding(slide)'.
 */
export function sliding(size: DurationInput, slide: DurationInput): SlidingSpec {
  const spec: SlidingSpec = {
    kind: 'sliding',
    size: ms(size, 'sliding(size)'),
    slide: ms(slide, 'sliding(slide)'),
  };
  assertWindowSpec(spec, (field) => `sliding(${field})`);
  return spec;
}

/**
 * Per-key sessions: events at most `gap` apart share a session, which ends `gap` after its last
 * event.
 *
 * @example session('30m')
 * @throws WindowSpecError naming the argument, 'session(gap)'.
 */
export function session(gap: DurationInput): SessionSpec {
  const spec: SessionSpec = { kind: 'session', gap: ms(gap, 'session(gap)') };
  assertWindowSpec(spec, (field) => `session(${field})`);
  return spec;
}
