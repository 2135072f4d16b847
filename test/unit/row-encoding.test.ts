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

  it('GIVEN aggregates with encodeTo THEN it appends exactly what encode returns', () => {
    const writer = new ByteWriter();
    for (const { aggregate } of aggregates) {
      if (!aggregate.encodeTo) continue;
      const acc = aggregate.add(aggregate.add(aggregate.init(), 3.25), 1e300);
      writer.reset();
      writer.u8(0xff);
      aggregate.encodeTo(acc, writer);
      expect(writer.take().subarray(1), aggregate.kind).toEqual(aggregate.encode(acc));
    }
  });

  it('GIVEN more bytes than the writer started with THEN it grows and keeps what it had', () => {
    const writer = new ByteWriter();
    const expected: number[] = [];
    for (let i = 0; i < 5000; i++) {
      writer.u8(i & 0xff);
      expected.push(i & 0xff);
    }
    writer.u32At(0, 0x01020304);
    expected.splice(0, 4, 1, 2, 3, 4);
    expect([...writer.take()]).toEqual(expected);
    expect(writer.length).toBe(5000);
  });
});
