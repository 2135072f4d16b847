import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { count } from '#lib/aggregates/basic';
import { decodeEvent } from '#lib/engine/decode-event';
import { definePipeline } from '#lib/pipeline/define-pipeline';
import type { InputRecord } from '#lib/records/input-record';
import { convertValue } from '#lib/sink/convert-value';
import { tumbling } from '#lib/windows/index';

const ARRIVAL = Date.UTC(2026, 5, 1, 12);
const DAY = 86_400_000;

function pipelineWith(time: string | ((e: Record<string, unknown>) => unknown), maxPast?: string) {
  return definePipeline({
    name: 'bounds',
    source: { stream: 's' },
    key: 'k',
    time,
    windows: [tumbling('1m')],
    aggregates: { n: count() },
    ...(maxPast ? { lateness: { maxPast } } : {}),
  });
}
const byField = pipelineWith('ts');

function record(json: string): InputRecord {
  return {
    shardId: 'shard-0',
    sequenceNumber: 7n,
    partitionKey: 'p',
    data: new TextEncoder().encode(json),
    arrivedAt: ARRIVAL,
  };
}

function refusal(pipeline: ReturnType<typeof pipelineWith>, json: string) {
  const decoded = decodeEvent(pipeline, record(json));
  if (!decoded.rejected) throw new Error(`accepted ${json}`);
  return `${decoded.rejected.field}: ${decoded.rejected.reason}`;
}

describe('event time bounds', () => {
  it('GIVEN times beyond the range of dates THEN each is a dead letter naming the field, never a throw', () => {
    for (const ts of ['1e308', '-1e308', '8.64e15', '-8.640000000000001e15']) {
      const json = `{"k": "a", "ts": ${ts}}`;
      const problem = ts === '8.64e15' ? /more than 1d ahead/ : /beyond the range of dates/;
      expect(refusal(byField, json)).toMatch(new RegExp(`^ts: event time .*${problem.source}`));
    }
  });

  it('GIVEN a time further behind its arrival than lateness.maxPast (30 days by default) THEN it is refused, and one that reads as epoch seconds says so', () => {
    expect(decodeEvent(byField, record(`{"k": "a", "ts": ${ARRIVAL - 30 * DAY}}`)).ok).toBe(true);
    expect(refusal(byField, `{"k": "a", "ts": ${ARRIVAL - 30 * DAY - 1}}`)).toMatch(
      /more than 30d before the record's arrival at 2026-06-01T12:00:00.000Z \(lateness\.maxPast\)$/,
    );
    expect(refusal(byField, `{"k": "a", "ts": ${ARRIVAL / 1000}}`)).toMatch(
      /it looks like epoch seconds \(2026-06-01T12:00:00\.000Z\): send milliseconds/,
    );
    const lenient = pipelineWith('ts', '400d');
    expect(decodeEvent(lenient, record(`{"k": "a", "ts": ${ARRIVAL - 365 * DAY}}`)).ok).toBe(true);
  });

  it('GIVEN a time function returning a Date THEN a valid one is taken and an invalid one refused', () => {
    const dated = pipelineWith((e) => new Date(String(e.at)));
    const ok = decodeEvent(dated, record('{"k": "a", "at": "2026-06-01T11:00:00Z"}'));
    expect(ok.ok && ok.event.time).toBe(ARRIVAL - 3_600_000);
    expect(refusal(dated, '{"k": "a", "at": "soon"}')).toBe('time: event time is an invalid Date');
  });

  it('GIVEN a sink timestamp beyond the range of dates THEN the value is refused, not written as an Invalid Date', () => {
    const converted = convertValue('timestamp', 1e300);
    expect(converted.ok).toBe(false);
  });

  it('GIVEN sink text with a lone surrogate THEN it is refused rather than stored as U+FFFD', () => {
    expect(convertValue('text', 'a\ud800')).toEqual({
      ok: false,
      problem: 'must be well-formed Unicode for text (it holds a lone UTF-16 surrogate)',
    });
    expect(convertValue('text', 'a\ud83d\ude00')).toEqual({ ok: true, value: 'a😀' });
  });
});

describe('keys', () => {
  it('GIVEN a key with a lone surrogate THEN it is refused (it would merge with others in the store); a well-formed pair passes', () => {
    expect(refusal(byField, `{"k": "a\\ud800", "ts": ${ARRIVAL}}`)).toBe(
      'k: key is not well-formed Unicode (it holds a lone UTF-16 surrogate)',
    );
    expect(refusal(byField, `{"k": "\\udc00b", "ts": ${ARRIVAL}}`)).toMatch(/lone UTF-16/);
    const emoji = decodeEvent(byField, record(`{"k": "\\ud83d\\ude00", "ts": ${ARRIVAL}}`));
    expect(emoji.ok && emoji.event.key).toBe('😀');
  });

  it('GIVEN numeric keys THEN safe integers are keys and larger integers (rounded by JSON) are refused', () => {
    const safe = decodeEvent(byField, record(`{"k": 9007199254740991, "ts": ${ARRIVAL}}`));
    expect(safe.ok && safe.event.key).toBe('9007199254740991');
    expect(refusal(byField, `{"k": 12345678901234567890, "ts": ${ARRIVAL}}`)).toMatch(
      /^k: key 12345678901234567000 \(as read\) is a number beyond 2\^53.*send it as a string$/,
    );
  });

  it('GIVEN any JSON value as key or time THEN decoding returns a verdict and never throws (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (k, ts) => {
        const json = JSON.stringify({ k, ts });
        const decoded = decodeEvent(byField, record(json));
        if (decoded.ok) {
          expect(decoded.event.key.length).toBeGreaterThan(0);
          expect(Number.isFinite(decoded.event.time)).toBe(true);
        } else {
          expect(decoded.rejected?.reason.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('ISO-8601 event times', () => {
  it('GIVEN a day the month does not have THEN it is refused, not moved to the next month', () => {
    // Within maxPast, so the day itself is the only fault.
    const yearBack = pipelineWith('ts', '365d');
    for (const day of ['2026-04-31T12:00:00Z', '2026-02-29T00:00Z', '2026-02-30T00:00+02:00'])
      expect(refusal(yearBack, `{"k": "a", "ts": "${day}"}`), day).toMatch(
        /^ts: event time is '.*', not epoch milliseconds or an ISO-8601 time with a zone$/,
      );
  });

  it('GIVEN any real day THEN it is read as that day', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date(ARRIVAL - 20 * DAY), max: new Date(ARRIVAL), noInvalidDate: true }),
        (d) => {
          const text = d.toISOString();
          const decoded = decodeEvent(byField, record(`{"k": "a", "ts": "${text}"}`));
          expect(decoded.ok && decoded.event.time).toBe(d.getTime());
        },
      ),
    );
    // 2024 is a leap year: its 29 February is a day.
    expect(convertValue('timestamp', '2024-02-29T00:00Z')).toEqual({
      ok: true,
      value: new Date(Date.UTC(2024, 1, 29)),
    });
    expect(convertValue('timestamp', '2023-02-29T00:00Z').ok).toBe(false);
  });
});
