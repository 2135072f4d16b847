import { describe, expect, it } from 'vitest';
import {
  checkWindowSpec,
  MAX_WINDOW_MS,
  session,
  sliding,
  tumbling,
  WindowSpecError,
  windowName,
} from '#lib/windows/index';

describe('window factories', () => {
  it('parse their durations', () => {
    // Act
    const specs = [tumbling('1m'), sliding('10m', 240_000), session('30 seconds')];

    // Assess
    expect(specs).toEqual([
      { kind: 'tumbling', size: 60_000 },
      { kind: 'sliding', size: 600_000, slide: 240_000 },
      { kind: 'session', gap: 30_000 },
    ]);
  });

  it('accept 1 s to 366 days', () => {
    // Act
    const specs = [tumbling('1s'), tumbling('366d'), session(MAX_WINDOW_MS), sliding('1s', '1s')];

    // Assess
    expect(specs).toHaveLength(4);
  });

  it.each([
    [() => tumbling('999ms'), /^tumbling\(size\): 999ms is outside the allowed 1s to 366d$/],
    [() => tumbling('367d'), /^tumbling\(size\): 367d is outside/],
    [() => session(0), /^session\(gap\): 0 is not a valid duration \(must be positive\)/],
    [() => session('soon'), /^session\(gap\): 'soon' is not a valid duration/],
    [() => sliding('10m', '500ms'), /^sliding\(slide\): 500ms is outside/],
    [() => sliding('10m', '11m'), /^sliding\(slide\): 11m is longer than the window size 10m/],
    [() => sliding('1x', '1m'), /^sliding\(size\): '1x'/],
  ])('name the bad argument (%#)', (act, message) => {
    // Assess
    expect(act).toThrow(WindowSpecError);
    expect(act).toThrow(message);
  });

  it('keep the duration error as the cause', () => {
    // Act
    let error: unknown;
    try {
      tumbling('1 fortnight');
    } catch (caught) {
      error = caught;
    }

    // Assess
    expect((error as Error).name).toBe('WindowSpecError');
    expect((error as Error).cause).toMatchObject({ name: 'DurationError', what: 'tumbling(size)' });
  });

  it('allow any slide up to the size, as long as panes stay at most 10,000', () => {
    // Act
    const ok = [sliding('10m', '4m'), sliding('10m', '7s'), sliding('10000s', '1s')];

    // Assess
    expect(ok).toHaveLength(3);
    expect(() => sliding('10001s', '1s')).toThrow(WindowSpecError);
  });

  it('suggest a coarser slide when a window needs too many panes', () => {
    // Act
    const act = () => sliding('1d', '7s');

    // Assess
    expect(act).toThrow(
      "sliding(slide): a 1d window sliding by 7s is kept as 86,400 panes of 1s (the gcd of size and slide), more than 10,000; use a coarser slide that divides 1d, e.g. sliding('1d', '10s')",
    );
    expect(() => sliding('1d', '10s')).not.toThrow();
  });
});

describe('checkWindowSpec', () => {
  it('returns a valid hand-written spec', () => {
    // Act
    const spec = checkWindowSpec({ kind: 'sliding', size: 600_000, slide: 60_000 }, 'windows[0]');

    // Assess
    expect(spec).toEqual({ kind: 'sliding', size: 600_000, slide: 60_000 });
  });

  it.each([
    [null, /^windows\[1\]: expected a window/],
    [{ kind: 'hopping', size: 60_000 }, /^windows\[1\]\.kind: "hopping" is not/],
    [{ kind: 'tumbling', size: '1m' }, /^windows\[1\]\.size: "1m" is not a positive whole number/],
    [{ kind: 'tumbling', size: 1.5 }, /^windows\[1\]\.size: 1.5 is not/],
    [{ kind: 'session', gap: 10 }, /^windows\[1\]\.gap: 10ms is outside/],
    [{ kind: 'sliding', size: 60_000, slide: 120_000 }, /^windows\[1\]\.slide: 2m is longer/],
  ])('names the field of a bad spec %j', (spec, message) => {
    // Assess
    expect(() => checkWindowSpec(spec, 'windows[1]')).toThrow(message);
  });
});

describe('windowName', () => {
  it.each([
    [tumbling('1m'), 'tumbling_1m'],
    [tumbling('60s'), 'tumbling_1m'],
    [tumbling(90 * 60_000), 'tumbling_1h30m'],
    [sliding('10m', '1m'), 'sliding_10m_1m'],
    [sliding('1d', '1h'), 'sliding_1d_1h'],
    [session('30s'), 'session_30s'],
    [session('1500ms'), 'session_1s500ms'],
    [tumbling('2w'), 'tumbling_2w'],
  ])('names %j %s', (spec, expected) => {
    // Act
    const name = windowName(spec);

    // Assess
    expect(name).toBe(expected);
    expect(name).toMatch(/^[a-z0-9_]+$/);
  });
});
