/**
 * A catalogue of nasty records for one aggregation pipeline (key 'customer.id', time 'at', sum of
 * 'amount', tumbling 1m, lateness outOfOrder 5s / allowed 1m / maxFuture 1h), each with the fate
 * it must meet: counted in its window, late, or dead-lettered with the field and reason.
 */

/**
 * Large enough that 10,000 levels of nesting and a 10 KiB key reach the checks they are meant
 * for, not the size limit; raw bytes kept in dead letters are cut well below it.
 */
export const MAX_EVENT_BYTES = 24_000;
export const MAX_RAW_BYTES = 1_000;
const MINUTE = 60_000;

export type Fate =
  /** `final`: the window closes (end + 1m allowed) at or before the watermark the run reaches. */
  | { fate: 'counted'; at: number; amount: number; final: boolean }
  | { fate: 'late'; at: number }
  | { fate: 'dead-lettered'; field: string; reason: RegExp };

/** One record; `key` is the key its content carries when it has a usable one. */
export type NastyRecord = { name: string; data: Uint8Array; key?: string; expected: Fate };

/** A pipeline module importing from 'cassflow', as a user's file would. */
export function nastyPipelineSource(name: string, stream: string): string {
  return `import { count, definePipeline, sum, tumbling } from 'cassflow';
export default definePipeline({
  name: '${name}', source: { stream: '${stream}' },
  key: 'customer.id', time: 'at',
  windows: [tumbling('1m')],
  aggregates: { orders: count(), amount: sum('amount') },
  lateness: { outOfOrder: '5s', allowed: '1m', maxFuture: '1h' },
  maxEventBytes: ${MAX_EVENT_BYTES},
  deadLetters: { keep: '1d', maxRawBytes: ${MAX_RAW_BYTES} },
});\n`;
}

/** `s` as a regular expression matching exactly it. */
const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

type Refusal = { field: string; reason: RegExp };

/** The dead-letter reason column: `<field>: <reason>`, the reason matching `pattern`. */
function refusal(field: string, pattern: string): Refusal {
  return { field, reason: new RegExp(`^${literal(field)}: ${pattern}`) };
}

const text = (value: string) => new TextEncoder().encode(value);
const concat = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => Buffer.from(p)));
const deep = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const isoAt = (ms: number, zone = 'Z') => new Date(ms).toISOString().replace('Z', zone);

const notJson = refusal('(record)', 'is not valid UTF-8 JSON: ');
const notObject = (type: string) => refusal('(record)', `must be a JSON object, got ${type}$`);
const keyMissing = refusal('customer.id', 'key is missing$');
const keyType = (type: string) =>
  refusal('customer.id', `key must be a string or a number, got ${type}$`);
const lone = refusal('customer.id', 'key is not well-formed Unicode \\(it holds a lone UTF-16');
const beyond53 = refusal(
  'customer.id',
  'key \\d+ \\(as read\\) is a number beyond 2\\^53, .*send it as a string$',
);
const notATime = (value: string) =>
  refusal('at', `event time is '${literal(value)}', not epoch milliseconds or an ISO-8601 time`);
const beyondDates = (ms: string) => refusal('at', `event time is ${ms} ms since the epoch, beyond`);
const tooOld = (hint = '$') =>
  refusal('at', `event time .* more than 30d before .*maxPast\\)${hint}`);
const tooNew = refusal('at', 'event time .* more than 1h ahead of .*\\(lateness\\.maxFuture\\)$');
const badAmount = (problem: string) => refusal('amount', `${problem} \\(aggregate amount\\)$`);
const notNumber = badAmount('must be a number, got string');
const infinite = badAmount('must be a finite number, got Infinity');
const noAmount = badAmount('is missing');
const timeMissing = refusal('at', 'event time is missing$');
const timeType = (type: string) =>
  refusal('at', `event time must be epoch milliseconds or an ISO-8601 string, got ${type}$`);
const SECONDS_HINT = '; it looks like epoch seconds';

/**
 * The catalogue, in sending order. Everything before the watermark mover happens at `onTime`
 * (about 30 minutes ago, so those records never make each other late); the mover's time moves
 * the shard's watermark (newest − 5s) to exactly `edge`, a minute boundary, so windows closing
 * at or before it (end + 1m allowed) are late for every record after it.
 */
export function nastyCatalogue(now: number, maxKeyBytes: number): NastyRecord[] {
  const edge = Math.floor(now / MINUTE) * MINUTE;
  const onTime = edge - 30 * MINUTE + 1000;
  const order = (key: unknown, at: unknown = onTime, amount: unknown = 1, extra = {}) =>
    JSON.stringify({ customer: { id: key }, at, amount, ...extra });
  /** An order whose key or amount is JSON text JSON.stringify would not write. */
  const raw = (key: string, amount = '1', at = String(onTime)) =>
    `{"customer":{"id":${key}},"at":${at},"amount":${amount}}`;
  const records: NastyRecord[] = [];
  const counted = (name: string, key: string, data: string | Uint8Array, amount = 1, at = onTime) =>
    records.push({
      name,
      data: bytesOf(data),
      key,
      expected: { fate: 'counted', at, amount, final: closesBy(at, edge) },
    });
  const countedAt = (name: string, key: string, at: number, amount = 1) =>
    counted(name, key, order(key, at, amount), amount, at);
  const late = (name: string, key: string, at: number, sent: unknown = at) =>
    records.push({ name, data: text(order(key, sent)), key, expected: { fate: 'late', at } });
  const dead = (name: string, data: string | Uint8Array, why: Refusal, key?: string) =>
    records.push({
      name,
      data: bytesOf(data),
      ...(key === undefined ? {} : { key }),
      expected: { fate: 'dead-lettered', ...why },
    });

  // The record as a whole.
  dead('invalid UTF-8 bytes', concat('{"customer":{"id":"a', [0xff, 0xfe], '"}}'), notJson);
  dead('UTF-8-encoded surrogate (CESU-8)', concat('{"a":"', [0xed, 0xa0, 0x80], '"}'), notJson);
  dead('empty record', '', refusal('(record)', 'is not valid UTF-8 JSON: Unexpected end of'));
  dead('whitespace only', ' \n\t\r ', notJson);
  dead('malformed JSON', '{"customer": {"id": "truncated"', notJson);
  dead('trailing garbage', `${order('trailing')} x`, notJson, 'trailing');
  dead('JSON null', 'null', notObject('null'));
  dead('JSON array', `[${order('in-array')}]`, notObject('array'), 'in-array');
  dead('JSON string', '"{}"', notObject('string'));
  dead('JSON number', '42', notObject('number'));
  dead('10,000 levels of [ at the top', deep(10_000), notObject('array'));
  // As text: JSON.stringify recurses, and 10,000 levels overflow its stack.
  const deepField = `${raw('"deep-field"').slice(0, -1)},"deep":${deep(10_000)}}`;
  counted('10,000 levels of [ in an extra field', 'deep-field', deepField);
  counted('byte-order mark first', 'bom', concat([0xef, 0xbb, 0xbf], order('bom')));
  const twice = `{"customer":{"id":"dup-first"},"at":${onTime},"amount":1,"customer":{"id":"dup"}}`;
  counted('duplicate JSON keys (the last wins)', 'dup', twice);
  counted('extra unknown fields', 'extra', order('extra', onTime, 2, { x: [1, { a: null }] }), 2);
  // Padded to exactly `size` bytes.
  const sized = (key: string, size: number) =>
    order(key, onTime, 1, {
      pad: 'p'.repeat(size - text(order(key, onTime, 1, { pad: '' })).length),
    });
  counted(`exactly maxEventBytes (${MAX_EVENT_BYTES})`, 'exact', sized('exact', MAX_EVENT_BYTES));
  const oversize = refusal('(record)', `is ${MAX_EVENT_BYTES + 1} bytes, over the limit of`);
  dead('one byte over maxEventBytes', sized('one-over', MAX_EVENT_BYTES + 1), oversize, 'one-over');

  // The key.
  dead('key missing', `{"at":${onTime},"amount":1}`, keyMissing);
  dead('key null', order(null), keyMissing);
  dead('key an empty string', order(''), refusal('customer.id', 'key is empty$'));
  dead('key an object', order({ id: 'nested' }), keyType('object'));
  dead('key an array', order(['in-array']), keyType('array'));
  dead('key a boolean', order(true), keyType('boolean'));
  dead('key with a lone surrogate (\\ud800)', order('lone-\ud800'), lone);
  dead('key with a reversed pair (\\udc00\\ud800)', order('pair-\udc00\ud800'), lone);
  counted('key with NUL and an escape sequence', 'nul\0-esc\x1b[2J', order('nul\0-esc\x1b[2J'));
  counted('key with emoji and astral characters', 'emoji-🦄-𝄞', order('emoji-🦄-𝄞'));
  counted('key with a bidi override', 'bidi-\u202etxt.exe', order('bidi-\u202etxt.exe'));
  const longest = `${'é'.repeat((maxKeyBytes - 1) >> 1)}${'k'.repeat(2 - (maxKeyBytes % 2))}`;
  counted(`key of exactly ${maxKeyBytes} UTF-8 bytes`, longest, order(longest));
  const tooLong = (key: string) =>
    refusal(
      'customer.id',
      `key is ${text(key).length} bytes in UTF-8, more than the ${maxKeyBytes}`,
    );
  const over = 'é'.repeat((maxKeyBytes + 2) >> 1);
  const overName = `key of ${text(over).length} UTF-8 bytes, ${over.length} UTF-16 units`;
  dead(overName, order(over), tooLong(over), over);
  const tenKiB = 'x'.repeat(10_240);
  dead('key of 10 KiB', order(tenKiB), tooLong(tenKiB), tenKiB);
  counted('numeric key 2^53 − 1', '9007199254740991', raw('9007199254740991'));
  dead('numeric key 2^53', raw('9007199254740992'), beyond53);
  dead('numeric key 12345678901234567890', raw('12345678901234567890'), beyond53);
  counted('numeric key, a float', '3.25', raw('3.25'));
  counted('numeric key 0', '0', raw('0'));
  counted("key '__proto__'", '__proto__', order('__proto__'));
  counted("key 'constructor'", 'constructor', order('constructor'));
  // JSON.parse makes "__proto__" an own field, so it neither sets a prototype nor is read through.
  const protoIn = `{"customer":{"__proto__":{"id":"proto-in"}},"at":${onTime},"amount":1}`;
  dead('__proto__ holding the key field', protoIn, keyMissing);
  const protoTop = `{"__proto__":{"customer":{"id":"proto-top"}},"at":${onTime},"amount":1}`;
  dead('__proto__ holding the customer', protoTop, keyMissing);

  // The event time.
  dead('time missing', '{"customer":{"id":"t-none"},"amount":1}', timeMissing, 't-none');
  dead('time 1e308', raw('"t-1e308"', '1', '1e308'), beyondDates('1e\\+308'), 't-1e308');
  dead('time -1e16', order('t-neg-huge', -1e16), beyondDates('-10000000000000000'), 't-neg-huge');
  dead('negative time', order('t-negative', -1), tooOld(), 't-negative');
  dead('time 0', order('t-zero', 0), tooOld(), 't-zero');
  const secs = Math.floor(onTime / 1000);
  dead('time in epoch seconds', order('t-secs', secs), tooOld(SECONDS_HINT), 't-secs');
  dead("time 'NaN'", order('t-nan', 'NaN'), notATime('NaN'), 't-nan');
  dead("time 'Infinity'", order('t-inf', 'Infinity'), notATime('Infinity'), 't-inf');
  const digits = String(onTime);
  dead('time a string of digits', order('t-digits', digits), notATime(digits), 't-digits');
  dead('time a boolean', order('t-bool', true), timeType('boolean'), 't-bool');
  counted('ISO time in UTC', 'iso-utc', order('iso-utc', isoAt(onTime)));
  const offset = isoAt(onTime + 7_200_000, '+02:00');
  counted('ISO time with an offset', 'iso-offset', order('iso-offset', offset));
  const spaced = isoAt(onTime, 'z').replace('T', ' ');
  counted("ISO time with a space and 'z'", 'iso-space', order('iso-space', spaced));
  const local = isoAt(onTime, '');
  dead('ISO time without a zone', order('iso-local', local), notATime(local), 'iso-local');
  // V8 would read it as 2 March; whichever fate that gave, the reason names the text instead.
  const feb30 = `${new Date(now).getUTCFullYear()}-02-30T12:00:00Z`;
  dead('a day the month does not have', order('iso-feb30', feb30), notATime(feb30), 'iso-feb30');
  const yearMinus1 = '-000001-01-01T00:00:00Z';
  dead('ISO time before year 0', order('iso-bc', yearMinus1), notATime(yearMinus1), 'iso-bc');
  dead('time two days ahead', order('t-future', now + 2 * 86_400_000), tooNew, 't-future');
  dead('time at the end of dates (8.64e15)', order('t-end', 8.64e15), tooNew, 't-end');

  // The summed amount.
  dead('amount as a string', order('a-string', onTime, '12.5'), notNumber, 'a-string');
  dead('amount 1e400 (Infinity when parsed)', raw('"a-1e400"', '1e400'), infinite, 'a-1e400');
  dead('amount missing', `{"customer":{"id":"a-none"},"at":${onTime}}`, noAmount, 'a-none');
  dead('amount null', order('a-null', onTime, null), noAmount, 'a-null');
  counted('amount -0', 'a-minus-zero', raw('"a-minus-zero"', '-0'), 0);
  const max = Number.MAX_VALUE;
  counted('amount the largest double', 'a-max', order('a-max', onTime, max), max);

  // Lateness: the mover, then records whose windows closed at or before the edge.
  countedAt('watermark mover (edge + 5s)', 'mover', edge + 5000);
  late('window closed a minute before the edge', 'late-minute', edge - 90_000);
  late('window closing exactly at the edge', 'late-at-edge', edge - MINUTE - 1);
  countedAt('window closing a minute after the edge', 'in-time', edge - MINUTE);
  late('window made final earlier in the run', 'late-final', onTime);
  late('ISO time two days old', 'late-2d', now - 2 * 86_400_000, isoAt(now - 2 * 86_400_000));
  dead('bad record after the late ones', '{', notJson);
  countedAt('good record last', 'last', edge + 5000, 5);
  return records;
}

/** True when the 1m window holding `at` closes (end + 1m allowed) at or before `watermark`. */
function closesBy(at: number, watermark: number): boolean {
  return Math.floor(at / MINUTE) * MINUTE + 2 * MINUTE <= watermark;
}

function bytesOf(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? text(data) : data;
}
