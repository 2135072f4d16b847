import { randomUUID } from 'node:crypto';
import { readPath, splitPath } from '../pipeline/field-path.ts';
import { InvalidRecordError } from './invalid-record.ts';
import { type OutgoingRecord, recordProblem } from './outgoing-record.ts';

/** One record to send, as read or made: its JSON text, and the value when already known. */
export type RecordInput = { ref: string; text: string; value?: unknown };

/**
 * Turns an input into a record for Kinesis: the JSON text is the data, and the partition key is
 * the value at `keyField` (a dotted path such as 'user.id'), or a random UUID without one.
 *
 * @throws InvalidRecordError naming the input when it is not JSON, lacks the key field, or is
 * too large for Kinesis.
 */
export function toOutgoing(input: RecordInput, keyField: string | undefined): OutgoingRecord {
  const value = 'value' in input ? input.value : parseJsonLine(input.text, input.ref);
  const partitionKey =
    keyField === undefined ? randomUUID() : partitionKeyOf(value, keyField, input.ref);
  const record = { data: Buffer.from(input.text, 'utf8'), partitionKey, ref: input.ref };
  const problem = recordProblem(record);
  if (problem) throw new InvalidRecordError(input.ref, problem);
  return record;
}

/** Parses one line of JSON Lines. */
export function parseJsonLine(text: string, ref: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidRecordError(ref, `not valid JSON (${reason})`);
  }
}

/** The partition key at a dotted path: a string, or a number or boolean as text. */
export function partitionKeyOf(value: unknown, field: string, ref: string): string {
  const key = readPath(value, splitPath(field));
  if (typeof key === 'string') return key;
  if (typeof key === 'number' || typeof key === 'boolean') return String(key);
  const found =
    key === undefined ? 'missing' : `${key === null ? 'null' : typeof key}, not a value`;
  throw new InvalidRecordError(ref, `partition key field '${field}' is ${found}`);
}
