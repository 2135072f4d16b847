import { InvalidArgumentError } from 'commander';
import { parseIsoTime } from '#lib/engine/event-time';
import { DurationError, parseDuration } from '#lib/windows/duration';

const ISO_WITH_ZONE =
  /^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2}))?$/;

/**
 * A time on the command line: an ISO-8601 date or date-time with a zone ('2026-01-01',
 * '2026-01-01T10:00Z'), epoch milliseconds, 'now', or a duration before now ('-2h', '-30m').
 * Throws commander's InvalidArgumentError, which becomes a usage error naming the option.
 */
export function parseTimeArg(value: string, now = Date.now()): number {
  const text = value.trim();
  if (text === 'now') return now;
  if (/^\d+$/.test(text)) return Number(text);
  if (text.startsWith('-')) {
    try {
      return now - parseDuration(text.slice(1), 'the time before now');
    } catch (error) {
      if (error instanceof DurationError) throw new InvalidArgumentError(error.message);
      throw error;
    }
  }
  const ms = ISO_WITH_ZONE.test(text)
    ? parseIsoTime(text.length === 10 ? `${text}T00:00Z` : text)
    : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new InvalidArgumentError(
      'It is not a time; use e.g. 2026-01-01, 2026-01-01T10:00Z, epoch ms, now or -2h.',
    );
  }
  return ms;
}
