import { InvalidArgumentError } from 'commander';

/**
 * A parser for a whole-number option from `min` to `max`; '50_000' reads as 50000. Commander
 * turns its error into a usage error naming the option and the value.
 */
export function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
  return (value) => {
    const text = value.trim();
    const n = /^\d+(_\d+)*$/.test(text) ? Number(text.replaceAll('_', '')) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`It must be a whole number ${range}.`);
    }
    return n;
  };
}

/** A parser for a number above zero, fractions allowed (a rate such as 0.5 per second). */
export function positiveNumber(value: string): number {
  const n = /^\d*\.?\d+(e[+-]?\d+)?$/i.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError('It must be a number above 0.');
  }
  return n;
}
