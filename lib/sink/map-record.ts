import { parseRecord } from '../engine/parse-record.ts';
import type { SinkPipeline } from '../pipeline/sink-spec.ts';
import type { InputRecord, RejectedRecord } from '../records/input-record.ts';
import { convertValue } from './convert-value.ts';
import { keyProblem } from './key-bounds.ts';

/** A record mapped to its row: one value per sink column (undefined: leave the column unset). */
export type SinkRow = {
  record: InputRecord;
  values: unknown[];
  /** The primary key values joined: rows with equal ids overwrite each other. */
  id: string;
};

export type MappedRecord = { ok: true; row: SinkRow } | { ok: false; rejected: RejectedRecord };

/** Maps one record to its row, or names the field that made it a dead letter and why. */
export function mapRecord(pipeline: SinkPipeline, record: InputRecord): MappedRecord {
  const parsed = parseRecord(record, pipeline.maxEventBytes);
  if (!parsed.ok) return parsed;
  const values: unknown[] = [];
  const byName = new Map<string, unknown>();
  for (const column of pipeline.columns) {
    let raw: unknown;
    try {
      raw = column.read(parsed.event);
    } catch (error) {
      const reason = `function threw: ${(error as Error).message} (column ${column.name})`;
      return { ok: false, rejected: { record, field: column.field, reason } };
    }
    if (raw === undefined || raw === null) {
      if (!column.optional) {
        const reason = `is missing (column ${column.name})`;
        return { ok: false, rejected: { record, field: column.field, reason } };
      }
      values.push(undefined);
      continue;
    }
    const converted = convertValue(column.type, raw);
    if (!converted.ok) {
      const reason = `${converted.problem} (column ${column.name})`;
      return { ok: false, rejected: { record, field: column.field, reason } };
    }
    values.push(converted.value);
    byName.set(column.name, converted.value);
  }
  const problem = keyProblem(pipeline, byName);
  if (problem) {
    const field = pipeline.columns.find((c) => c.name === problem.column)?.field ?? problem.column;
    return { ok: false, rejected: { record, field, reason: problem.reason } };
  }
  const key = [...pipeline.partitionKey, ...pipeline.clusteringKey].map((c) => {
    const v = byName.get(c);
    return v instanceof Date ? v.getTime() : String(v);
  });
  return { ok: true, row: { record, values, id: JSON.stringify(key) } };
}
