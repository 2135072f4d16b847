import { describe, expect, it } from 'vitest';
import { jsonLinesInputs, valueInputs } from '#lib/kinesis/input-sources';
import { InvalidRecordError } from '#lib/kinesis/invalid-record';
import { type Clock, paced } from '#lib/kinesis/pace';
import { readLines } from '#lib/kinesis/read-lines';
import { parseJsonLine, partitionKeyOf, toOutgoing } from '#lib/kinesis/record-input';

async function* chunks(...parts: (string | Uint8Array)[]) {
  yield* parts;
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('reading JSON Lines', () => {
  it('splits chunks into numbered lines, across chunk edges, with \\r\\n and a last open line', async () => {
    const lines = await all(readLines(chunks('{"a":1}\n{"a"', ':2}\r\n\n', '{"a":3}')));
    expect(lines).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 2, text: '{"a":2}' },
      { line: 3, text: '' },
      { line: 4, text: '{"a":3}' },
    ]);
  });

  it('keeps a character whose bytes are split between chunks whole', async () => {
    const bytes = Buffer.from('{"p":"é"}\n');
    const split = bytes.indexOf(0xa9);
    const lines = await all(readLines(chunks(bytes.subarray(0, split), bytes.subarray(split))));
    expect(lines).toEqual([{ line: 1, text: '{"p":"é"}' }]);
  });

  it('GIVEN input without newlines THEN it stops at the line limit with a clear error', async () => {
    async function* noNewlines() {
      for (let i = 0; i < 4096; i++) yield 'x'.repeat(1024);
    }
    await expect(all(readLines(noNewlines(), 1_000_000))).rejects.toThrow(
      'line 1 is longer than 1000000 characters, more than a Kinesis record (1 MiB) can hold: send newline-delimited JSON',
    );
    const atLimit = await all(readLines(chunks('a'.repeat(10), '\r\n', 'b'.repeat(10), '\r'), 10));
    expect(atLimit.map((l) => l.text)).toEqual(['a'.repeat(10), 'b'.repeat(10)]);
    const lines = await all(readLines(chunks(...Array(2000).fill('y'.repeat(400)), '\nz')));
    expect(lines.map((l) => [l.line, l.text.length])).toEqual([
      [1, 800_000],
      [2, 1],
    ]);
  });

  it('skips blank lines but keeps counting them', async () => {
    const inputs = await all(jsonLinesInputs(readLines(chunks('{"a":1}\n  \n\n{"a":2}\n'))));
    expect(inputs).toEqual([
      { ref: 'line 1', text: '{"a":1}' },
      { ref: 'line 4', text: '{"a":2}' },
    ]);
  });

  it('names the line number of a line that is not JSON', () => {
    expect(() => parseJsonLine('{"a": 1', 'line 17')).toThrow(InvalidRecordError);
    expect(() => parseJsonLine('{"a": 1', 'line 17')).toThrow(/^line 17: not valid JSON/);
    expect(() => toOutgoing({ ref: 'line 3', text: 'hello' }, undefined)).toThrow(
      /^line 3: not valid JSON/,
    );
  });
});

describe('partition keys', () => {
  const event = { user: { id: 'u-7', age: 41, tags: ['a'] }, page: '/home', ok: true, gone: null };

  it('reads a dotted path; numbers and booleans become text', () => {
    expect(partitionKeyOf(event, 'page', 'line 1')).toBe('/home');
    expect(partitionKeyOf(event, 'user.id', 'line 1')).toBe('u-7');
    expect(partitionKeyOf(event, 'user.age', 'line 1')).toBe('41');
    expect(partitionKeyOf(event, 'ok', 'line 1')).toBe('true');
  });

  it('names the line and the field when the key is missing or not a value', () => {
    expect(() => partitionKeyOf(event, 'user.name', 'line 9')).toThrow(
      "line 9: partition key field 'user.name' is missing",
    );
    expect(() => partitionKeyOf(event, 'user.tags', 'line 9')).toThrow(
      "line 9: partition key field 'user.tags' is object, not a value",
    );
    expect(() => partitionKeyOf(event, 'gone', 'line 9')).toThrow(
      "line 9: partition key field 'gone' is null, not a value",
    );
    expect(() => toOutgoing({ ref: 'line 2', text: '{"x":1}' }, 'user.id')).toThrow(
      "line 2: partition key field 'user.id' is missing",
    );
  });

  it('sends the line as it is, keyed by the field or by a fresh UUID', () => {
    const keyed = toOutgoing({ ref: 'line 1', text: '{"user":{"id":"u1"}}' }, 'user.id');
    expect(keyed.partitionKey).toBe('u1');
    expect(Buffer.from(keyed.data).toString()).toBe('{"user":{"id":"u1"}}');
    const a = toOutgoing({ ref: 'line 1', text: '{}' }, undefined);
    const b = toOutgoing({ ref: 'line 2', text: '{}' }, undefined);
    expect(a.partitionKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.partitionKey).not.toBe(b.partitionKey);
  });

  it('refuses a record over 1 MiB, naming its line', () => {
    const text = JSON.stringify({ k: 'a', blob: 'x'.repeat(1024 * 1024) });
    expect(() => toOutgoing({ ref: 'line 5', text }, 'k')).toThrow(
      /^line 5: \d+ bytes \(data and partition key\) is more than the 1048576/,
    );
  });

  it('takes made values as they are, without parsing their text again', () => {
    const inputs = [...valueInputs([{ id: 4, page: '/a' }], (v) => `event ${v.id}`)];
    expect(inputs).toEqual([
      { ref: 'event 4', text: '{"id":4,"page":"/a"}', value: { id: 4, page: '/a' } },
    ]);
    expect(toOutgoing(inputs[0] ?? { ref: '', text: '' }, 'page').partitionKey).toBe('/a');
  });
});

describe('pacing', () => {
  it('hands item i out no earlier than i/rate seconds after the first, pulling it only then', async () => {
    let now = 1000;
    const clock: Clock = {
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    };
    const pulledAt: number[] = [];
    function* made() {
      for (let i = 0; i < 5; i++) {
        pulledAt.push(now);
        yield i;
      }
    }
    expect(await all(paced(made(), 4, clock))).toEqual([0, 1, 2, 3, 4]);
    expect(pulledAt).toEqual([1000, 1250, 1500, 1750, 2000]);
  });
});
