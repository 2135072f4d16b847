import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '#lib/aggregates/byte-writer';
import { avg, count, distinct, max, min, quantile, sum } from '#lib/aggregates/index';
import { decodeRow, encodeRow, initRow } from '#lib/engine/row-accumulator';
import type { NamedAggregate } from '#lib/pipeline/spec';

const named = (aggregates: Record<string, NamedAggregate['aggregate']>): NamedAggregate[] =>
  Object.entries(aggregates).map(([name, aggregate]) => ({
    name,
    aggregate,
    path: aggregate.field?.split('.'),
  })) as NamedAggregate[];

/** The row layout written out by hand: [1][count u16] then per aggregate [length u32][encode]. */
function layout(aggregates: readonly NamedAggregate[], acc: unknown[]): Uint8Array {
  const parts = aggregates.map((a, i) => a.aggregate.encode(acc[i]));
  const out = new Uint8Array(3 + parts.reduce((n, p) => n + 4 + p.byteLength, 0));
  const view = new DataView(out.buffer);
  out[0] = 1;
  view.setUint16(1, parts.length);
  let at = 3;
  for (const part of parts) {
    view.setUint32(at, part.byteLength);
    out.set(part, at + 4);
    at += 4 + part.byteLength;
  }
  return out;
}

describe('a row of accumulators, encoded', () => {
  const aggregates = named({
    n: count(),
    total: sum('v'),
    mean: avg('v'),
    lo: min('v'),
    hi: max('v'),
    users: distinct('v'),
    p95: quantile('v', 0.95),
  });

  it('GIVEN any values THEN the bytes are the documented layout of each encode, and decode back', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 3000 }),
        (values) => {
          const acc = initRow(aggregates);
          for (const v of values) {
            aggregates.forEach(({ aggregate }, i) => {
              acc[i] = aggregate.add(acc[i], v);
            });
          }
          const bytes = encodeRow(aggregates, acc);
          expect(bytes).toEqual(layout(aggregates, acc));
          expect(encodeRow(aggregates, decodeRow(aggregates, bytes))).toEqual(bytes);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('GIVEN a built-in whose encode is replaced THEN rows carry the replacement, not the built-in format', () => {
    const total = sum('v');
    const asText = {
      ...total,
      encode: (acc: { sum: number; c: number }) => new TextEncoder().encode(JSON.stringify(acc)),
      decode: (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes)),
    };
    const replaced = named({ n: count(), total: asText as NamedAggregate['aggregate'] });
    const acc = initRow(replaced);
    acc[0] = count().add(acc[0] as number, undefined);
    acc[1] = total.add(total.add(acc[1] as { sum: number; c: number }, 2.5), 4);
    const bytes = encodeRow(replaced, acc);
    expect(bytes).toEqual(layout(replaced, acc));
    expect(new TextDecoder().decode(bytes.subarray(3 + 4 + 1 + 4))).toBe('{"sum":6.5,"c":0}');
  });

  it('GIVEN writes of every kind that outgrow the writer THEN every byte lands where it was written', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({
              kind: fc.constant('u8' as const),
              value: fc.integer({ min: 1, max: 255 }),
            }),
            fc.record({
              kind: fc.constant('u16' as const),
              value: fc.integer({ min: 1, max: 0xffff }),
            }),
            fc.record({
              kind: fc.constant('u32' as const),
              value: fc.integer({ min: 1, max: 0xffffffff }),
            }),
            fc.record({ kind: fc.constant('f64' as const), value: fc.double({ noNaN: true }) }),
            fc.record({
              kind: fc.constant('ascii' as const),
              value: fc.string({
                unit: fc.integer({ min: 48, max: 57 }).map((c) => String.fromCharCode(c)),
                maxLength: 40,
              }),
            }),
            fc.record({
              kind: fc.constant('bytes' as const),
              value: fc.uint8Array({ maxLength: 700 }),
            }),
          ),
          { minLength: 50, maxLength: 400 },
        ),
        (writes) => {
          const writer = new ByteWriter();
          const expected: number[] = [];
          const scratch = new DataView(new ArrayBuffer(8));
          const big = (n: number) => Array.from(new Uint8Array(scratch.buffer, 0, n));
          for (const w of writes) {
            if (w.kind === 'u8') {
              writer.u8(w.value);
              expected.push(w.value);
            } else if (w.kind === 'u16') {
              writer.u16(w.value);
              scratch.setUint16(0, w.value);
              expected.push(...big(2));
            } else if (w.kind === 'u32') {
              writer.u32(w.value);
              scratch.setUint32(0, w.value);
              expected.push(...big(4));
            } else if (w.kind === 'f64') {
              writer.f64(w.value);
              scratch.setFloat64(0, w.value);
              expected.push(...big(8));
            } else if (w.kind === 'ascii') {
              writer.ascii(w.value);
              expected.push(...[...w.value].map((c) => c.charCodeAt(0)));
            } else {
              writer.bytes(w.value);
              expected.push(...w.value);
            }
          }
          expect([...writer.take()]).toEqual(expected);
          expect(writer.length).toBe(expected.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('GIVEN a length patched in after the bytes it counts THEN it is written in place', () => {
    const writer = new ByteWriter();
    writer.u32(0);
    for (let i = 0; i < 1000; i++) writer.u8((i % 251) + 1);
    writer.u32At(0, 1000);
    const bytes = writer.take();
    expect(new DataView(bytes.buffer).getUint32(0)).toBe(1000);
    expect(bytes[4]).toBe(1);
    expect(bytes[1003]).toBe((999 % 251) + 1);
  });

  it('GIVEN a row whose sketch outgrows the writer THEN the row holds the whole sketch', () => {
    const acc = initRow(aggregates);
    for (let v = 0; v < 3000; v++) {
      aggregates.forEach(({ aggregate }, i) => {
        acc[i] = aggregate.add(acc[i], v * 1.5);
      });
    }
    for (let round = 0; round < 2; round++) {
      const bytes = encodeRow(aggregates, acc);
      expect(bytes.byteLength).toBeGreaterThan(4096);
      expect(bytes).toEqual(layout(aggregates, acc));
    }
  });
});
