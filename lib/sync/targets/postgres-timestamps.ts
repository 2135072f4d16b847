/**
 * PostgreSQL's timestamptz runs from 4714-11-24 BC (Julian day 0, UTC) to 294276 AD
 * (https://www.postgresql.org/docs/current/datatype-datetime.html); a Cassandra timestamp
 * (int64 ms) can lie far outside it. Only the start needs a check: JavaScript's dates stop at
 * 275760 AD, before PostgreSQL's end, and a later timestamp is already a reject when read.
 */
export const POSTGRES_MIN_TIMESTAMP_MS = Date.UTC(-4713, 10, 24);

/** toISOString's form for the years 0000 to 9999. */
const FOUR_DIGIT_YEAR = /^\d{4}-(0\d|1[0-2])-[0-3]\dT[0-2]\d:[0-5]\d:[0-5]\d\.\d{3}Z$/;

/** Why PostgreSQL cannot store this timestamp (ISO text), or undefined when it can. */
export function timestampProblem(iso: string): string | undefined {
  // A four-digit year is 0000 AD at the earliest, well inside the range: no need to parse (a
  // sync checks every row's timestamps, and parsing was most of a PostgreSQL sync's own checks).
  if (FOUR_DIGIT_YEAR.test(iso)) return undefined;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return `timestamp ${iso} is not a time`;
  if (ms < POSTGRES_MIN_TIMESTAMP_MS) {
    return `timestamp ${iso} is before 4714-11-24 BC, the earliest PostgreSQL stores`;
  }
  return undefined;
}

const two = (n: number) => String(n).padStart(2, '0');

/**
 * A timestamp (ISO text) as PostgreSQL reads it. ISO years before 1 AD or after 9999 AD
 * ('-000100-...', '+010000-...') are refused by PostgreSQL's parser as time zone offsets, so
 * those are written `0101-01-01 00:00:00.000+00 BC` (ISO year 0 is 1 BC) and `10000-...`.
 */
export function postgresTimestamp(iso: string): string {
  const first = iso.charCodeAt(0);
  // '+', '-' or a '0000-' year: the rest is 1..9999 AD, which it reads as it is.
  if (first !== 43 && first !== 45 && !iso.startsWith('0000-')) return iso;
  const d = new Date(iso);
  const year = d.getUTCFullYear();
  const era = year < 1 ? ' BC' : '';
  const date = `${String(year < 1 ? 1 - year : year).padStart(4, '0')}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}`;
  const time = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.${String(d.getUTCMilliseconds()).padStart(3, '0')}`;
  return `${date} ${time}+00${era}`;
}
