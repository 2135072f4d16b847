import { describe, expect, it } from 'vitest';
import { closeTime, isLate } from '#lib/windows/index';

describe('closeTime and isLate', () => {
  const window = { start: 0, end: 60_000 };

  it('close a window when the watermark reaches its end plus the allowed lateness', () => {
    // Assess
    expect(closeTime(window, 0)).toBe(60_000);
    expect(closeTime(window, 5000)).toBe(65_000);
    expect(isLate(window, 59_999, 0)).toBe(false);
    expect(isLate(window, 60_000, 0)).toBe(true);
    expect(isLate(window, 64_999, 5000)).toBe(false);
    expect(isLate(window, 65_000, 5000)).toBe(true);
  });

  it('close nothing before any watermark', () => {
    // Assess
    expect(isLate(window, Number.NEGATIVE_INFINITY, 0)).toBe(false);
  });
});
