import type { NamedAggregate } from '../pipeline/spec.ts';

/** The accumulators of one row, one per aggregate of the pipeline, in declaration order. */
export type RowAcc = unknown[];

const FORMAT = 1;

export class RowAccumulatorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RowAccumulatorError';
  }
}

export function initRow(aggregates: readonly NamedAggregate[]): RowAcc {
  return aggregates.map((a) => a.aggregate.init());
}

/** Folds one event's inputs (one per aggregate) into the row; mutates and returns `acc`. */
export function addToRow(
  aggregates: readonly NamedAggregate[],
  acc: RowAcc,
  inputs: readonly unknown[],
): RowAcc {
  for (let i = 0; i < aggregates.length; i++) {
    acc[i] = (aggregates[i] as NamedAggregate).aggregate.add(acc[i], inputs[i]);
  }
  return acc;
}

/** Merges `b` into `a`; mutates and returns `a`. */
export function mergeRows(aggregates: readonly NamedAggregate[], a: RowAcc, b: RowAcc): RowAcc {
  aggregates.forEach(({ aggregate }, i) => {
    a[i] = aggregate.merge(a[i], b[i]);
  });
  return a;
}

/** Each aggregate's result, in declaration order (the typed columns of the row). */
export function rowResults(aggregates: readonly NamedAggregate[], acc: RowAcc): unknown[] {
  return aggregates.map((a, i) => a.aggregate.result(acc[i]));
}

/** [format][count u16] then per aggregate [length u32][bytes]. */
export function encodeRow(aggregates: readonly NamedAggregate[], acc: RowAcc): Uint8Array {
  const parts = aggregates.map((a, i) => a.aggregate.encode(acc[i]));
  const size = 3 + parts.reduce((n, p) => n + 4 + p.byteLength, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out[0] = FORMAT;
  view.setUint16(1, parts.length);
  let offset = 3;
  for (const part of parts) {
    view.setUint32(offset, part.byteLength);
    out.set(part, offset + 4);
    offset += 4 + part.byteLength;
  }
  return out;
}

export function decodeRow(aggregates: readonly NamedAggregate[], bytes: Uint8Array): RowAcc {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 3 || bytes[0] !== FORMAT) {
    throw new RowAccumulatorError(`unknown row accumulator format ${bytes[0]}`);
  }
  const count = view.getUint16(1);
  if (count !== aggregates.length) {
    throw new RowAccumulatorError(
      `row holds ${count} accumulators but the pipeline has ${aggregates.length} aggregates: ` +
        'aggregates cannot be added to or removed from a running pipeline',
    );
  }
  const acc: RowAcc = [];
  let offset = 3;
  for (const { aggregate } of aggregates) {
    if (offset + 4 > bytes.byteLength) throw new RowAccumulatorError('row accumulator truncated');
    const length = view.getUint32(offset);
    const end = offset + 4 + length;
    if (end > bytes.byteLength) throw new RowAccumulatorError('row accumulator truncated');
    acc.push(aggregate.decode(bytes.subarray(offset + 4, end)));
    offset = end;
  }
  return acc;
}
