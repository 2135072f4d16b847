const DAY_MS = 86_400_000;
/** 9999-12-31T23:59:59.999Z: past it (and before 1970) toISOString's own form is used. */
const LAST_FOUR_DIGIT_MS = 253_402_300_799_999;

const two = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const three = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/**
 * Epoch milliseconds as `Date.prototype.toISOString` prints them, without a Date: a sync turns
 * every timestamp of every row into text, and the builtin was a tenth of a sync's own CPU. The
 * date part is kept for the day last seen (a page's rows mostly share days); the time of day is
 * arithmetic.
 */
export function isoTimeOf(): (ms: number) => string {
  let day = Number.NaN;
  let dayText = '';
  return (ms) => {
    if (!(ms >= 0 && ms <= LAST_FOUR_DIGIT_MS)) return new Date(ms).toISOString();
    const d = Math.floor(ms / DAY_MS);
    if (d !== day) {
      day = d;
      dayText = new Date(d * DAY_MS).toISOString().slice(0, 11);
    }
    let rest = ms - d * DAY_MS;
    const milli = rest % 1000;
    rest = (rest - milli) / 1000;
    const second = rest % 60;
    rest = (rest - second) / 60;
    const minute = rest % 60;
    const hour = (rest - minute) / 60;
    return `${dayText}${two[hour]}:${two[minute]}:${two[second]}.${three[milli]}Z`;
  };
}
