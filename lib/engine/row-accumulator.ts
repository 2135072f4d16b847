import { appenderOf, ByteWriter } from '../aggregates/byte-writer.ts';
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

const writer = new ByteWriter();

/** [format][count u16] then per aggregate [length u32][bytes], big-endian. */
export function encodeRow(aggregates: readonly NamedAggregate[], acc: RowAcc): Uint8Array {
  writer.reset();
  writer.u8(FORMAT);
  writer.u16(aggregates.length);
  for (let i = 0; i < aggregates.length; i++) {
    const { aggregate } = aggregates[i] as NamedAggregate;
    const at = writer.length;
    writer.u32(0);
    const append = appenderOf(aggregate.encode);
    if (append) append(acc[i], writer);
    else writer.bytes(aggregate.encode(acc[i]));
    writer.u32At(at, writer.length - at - 4);
  }
  return writer.take();
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
