import type { EventRecord } from '../pipeline/spec.ts';
import type { InputRecord, RejectedRecord } from '../records/input-record.ts';
import { typeName } from './event-time.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export type ParsedRecord =
  | { ok: true; event: EventRecord }
  | { ok: false; rejected: RejectedRecord };

function refuse(record: InputRecord, reason: string): ParsedRecord {
  return { ok: false, rejected: { record, field: '(record)', reason } };
}

/** A record's bytes as a JSON object, or why not: too large, not UTF-8 JSON, not an object. */
export function parseRecord(record: InputRecord, maxEventBytes: number): ParsedRecord {
  if (record.data.byteLength > maxEventBytes) {
    return refuse(
      record,
      `is ${record.data.byteLength} bytes, over the limit of ${maxEventBytes} (maxEventBytes)`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(record.data));
  } catch (error) {
    return refuse(record, `is not valid UTF-8 JSON: ${(error as Error).message}`);
  }
  if (typeName(parsed) !== 'object') {
    return refuse(record, `must be a JSON object, got ${typeName(parsed)}`);
  }
  return { ok: true, event: parsed as EventRecord };
}
