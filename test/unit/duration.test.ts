import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DurationError, formatDuration, parseDuration } from '#lib/windows/duration';

describe('parseDuration', () => {
  it.each([
    [1, 1],
    [60_000, 60_000],
    ['500ms', 500],
    ['30s', 30_000],
    ['1m', 60_000],
    ['6h', 21_600_000],
    ['1d', 86_400_000],
    ['2w', 1_209_600_000],
    ['1h30m', 5_400_000],
    ['1h 30m', 5_400_000],
    ['1d2h3m4s5ms', 93_784_005],
    ['5 minutes', 300_000],
    ['1 hour', 3_600_000],
    ['2 days', 172_800_000],
    ['1 hour 30 minutes', 5_400_000],
    ['  10 SEC ', 10_000],
    ['1.5h', 5_400_000],
    ['1.1s', 1100],
    ['0.5s', 500],
  ])('reads %j as %d ms', (input, expected) => {
    // Act
    const ms = parseDuration(input, 'x');

    // Assess
    expect(ms).toBe(expected);
  });

  it.each([
    [0, 'must be positive'],
    [-1, 'must be positive'],
    [1.5, 'fractional milliseconds'],
    [Number.NaN, 'not a number'],
    [Number.POSITIVE_INFINITY, 'too large'],
    [2 ** 53, 'too large'],
    ['0s', 'must be positive'],
    ['-5s', 'must be positive'],
    ['1.5ms', 'fractional milliseconds'],
    ['0.0001s', 'fractional milliseconds'],
    ['5 fortnights', "unknown unit 'fortnights'"],
    ['1mo', "unknown unit 'mo'"],
    ['500', 'no unit'],
    ['', 'empty'],
    ['abc', "cannot read 'abc'"],
    ['1h30', "cannot read '30'"],
    ['30m1h', 'largest unit to the smallest'],
    ['1m1m', 'largest unit to the smallest'],
    ['99999999999w', 'too large'],
  ])('refuses %j (%s)', (input, reason) => {
    // Act
    const act = () => parseDuration(input, 'windows[1].size');

    // Assess
    expect(act).toThrow(DurationError);
    expect(act).toThrow(reason);
  });

  it('names the setting and the value, and shows valid examples', () => {
    // Act
    let error: unknown;
    try {
      parseDuration('5 parsecs', 'windows[1].size');
    } catch (caught) {
      error = caught;
    }

    // Assess
    expect(error).toBeInstanceOf(DurationError);
    const e = error as DurationError;
    expect(e.name).toBe('DurationError');
    expect(e.what).toBe('windows[1].size');
    expect(e.input).toBe('5 parsecs');
    expect(e.message).toMatch(/^windows\[1\]\.size: '5 parsecs' is not a valid duration/);
    expect(e.message).toContain("'30s'");
    expect(e.message).toContain("'1h30m'");
  });

  it('shows a number without quotes', () => {
    // Act
    const act = () => parseDuration(-250, 'lateness.allowed');

    // Assess
    expect(act).toThrow(/^lateness\.allowed: -250 is not/);
  });
});

describe('formatDuration', () => {
  it.each([
    [500, '500ms'],
    [1000, '1s'],
    [60_000, '1m'],
    [5_400_000, '1h30m'],
    [86_400_000, '1d'],
    [93_784_005, '1d2h3m4s5ms'],
    [604_800_000, '1w'],
    [8 * 86_400_000, '8d'],
    [0, '0ms'],
  ])('writes %d ms as %s', (ms, expected) => {
    // Act
    const text = formatDuration(ms);

    // Assess
    expect(text).toBe(expected);
  });

  it('refuses negative and fractional milliseconds', () => {
    // Assess
    expect(() => formatDuration(-1)).toThrow(RangeError);
    expect(() => formatDuration(1.5)).toThrow(RangeError);
  });

  it('is read back by parseDuration', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (ms) => {
        expect(parseDuration(formatDuration(ms), 'x')).toBe(ms);
      }),
    );
  });
});
