import type { AggregateInput } from '../aggregates/aggregate.ts';
import { readPath } from '../pipeline/field-path.ts';
import type { Pipeline } from '../pipeline/spec.ts';
import type { InputRecord, RejectedRecord } from '../records/input-record.ts';
import { maxKeyBytes } from '../store/key-limits.ts';
import { formatDuration } from '../windows/duration.ts';
import { describeTime, parseEventTime, typeName } from './event-time.ts';
import { parseRecord } from './parse-record.ts';
import { isWellFormed } from './well-formed.ts';

/** A record that passed validation: its key, event time and one input per aggregate. */
export type DecodedEvent = {
  record: InputRecord;
  key: string;
  time: number;
  inputs: readonly unknown[];
  /**
   * Windows closing at or before this are late for the event (see lateness-cut.ts); set when
   * the batch is planned.
   */
  cut: number;
};

/** Counted (an event), dead-lettered (rejected), or left out by the pipeline's filter. */
type Decoded =
  | { ok: true; event: DecodedEvent; rejected?: undefined }
  | { ok: false; rejected: RejectedRecord }
  | { ok: false; filtered: true; rejected?: undefined };

const FILTERED: Decoded = { ok: false, filtered: true };

const clip = (text: string) => (text.length > 64 ? `${text.slice(0, 64)}…` : text);

function reject(record: InputRecord, field: string, reason: string): Decoded {
  return { ok: false, rejected: { record, field, reason } };
}

function inputProblem(input: AggregateInput, value: unknown): string | undefined {
  if (value === undefined || value === null) return 'is missing';
  if (input === 'number') {
    if (typeof value !== 'number') return `must be a number, got ${typeName(value)}`;
    if (!Number.isFinite(value)) return `must be a finite number, got ${value}`;
  }
  if (input === 'scalar' && !['string', 'number', 'boolean'].includes(typeof value)) {
    return `must be a string, number or boolean, got ${typeName(value)}`;
  }
  return undefined;
}

/**
 * Decodes and validates one record against the pipeline. Every refusal names the field and says
 * what was wrong, so the dead-letter row alone explains it. Whether its event time is too far
 * behind or ahead is judged against the record's arrival at Kinesis, not the clock, so every
 * attempt at a record decides the same way.
 */
export function decodeEvent(pipeline: Pipeline, record: InputRecord): Decoded {
  const parsed = parseRecord(record, pipeline.maxEventBytes);
  if (!parsed.ok) return parsed;
  let { event } = parsed;
  if (pipeline.filter) {
    try {
      if (!pipeline.filter(event)) return FILTERED;
    } catch (error) {
      return reject(record, '(filter)', `filter threw: ${(error as Error).message}`);
    }
  }
  if (pipeline.map) {
    let mapped: unknown;
    try {
      mapped = pipeline.map(event);
    } catch (error) {
      return reject(record, '(map)', `map threw: ${(error as Error).message}`);
    }
    if (typeName(mapped) !== 'object') {
      return reject(record, '(map)', `map must return an object, got ${typeName(mapped)}`);
    }
    event = mapped as typeof event;
  }

  let key: unknown;
  let time: unknown;
  try {
    key = pipeline.key(event);
  } catch (error) {
    return reject(record, pipeline.keyField, `key function threw: ${(error as Error).message}`);
  }
  if (key === undefined || key === null) return reject(record, pipeline.keyField, 'key is missing');
  if (key === '') return reject(record, pipeline.keyField, 'key is empty');
  if (typeof key === 'number' && Number.isFinite(key)) {
    // JSON numbers past 2^53 were rounded when parsed: distinct ids would share one key.
    if (Number.isInteger(key) && !Number.isSafeInteger(key)) {
      return reject(
        record,
        pipeline.keyField,
        `key ${key} (as read) is a number beyond 2^53, which JSON parsing rounds, so distinct ids would ` +
          'merge: send it as a string',
      );
    }
    key = String(key);
  }
  if (typeof key !== 'string') {
    return reject(
      record,
      pipeline.keyField,
      `key must be a string or a number, got ${typeName(key)}`,
    );
  }
  if (pipeline.singleWriter && key !== record.partitionKey) {
    // Another shard may hold this key's other records: its rows would have two writers.
    return reject(
      record,
      pipeline.keyField,
      `key ${JSON.stringify(clip(key))} is not the record's partition key ` +
        `${JSON.stringify(clip(record.partitionKey))}: a singleWriter pipeline needs producers ` +
        'to send each event with its key as the partition key',
    );
  }
  if (!isWellFormed(key)) {
    return reject(
      record,
      pipeline.keyField,
      'key is not well-formed Unicode (it holds a lone UTF-16 surrogate)',
    );
  }
  // A UTF-16 code unit takes at most 3 bytes in UTF-8: most keys need no count.
  const keyLimit = maxKeyBytes(pipeline);
  const keyBytes = key.length * 3 <= keyLimit ? 0 : Buffer.byteLength(key);
  if (keyBytes > keyLimit) {
    return reject(
      record,
      pipeline.keyField,
      `key is ${keyBytes} bytes in UTF-8, more than the ${maxKeyBytes(pipeline)} a key may have ` +
        '(Amazon Keyspaces caps the window index at 850 bytes of clustering columns)',
    );
  }

  try {
    time = pipeline.time(event);
  } catch (error) {
    return reject(record, pipeline.timeField, `time function threw: ${(error as Error).message}`);
  }
  if (time === undefined || time === null) {
    return reject(record, pipeline.timeField, 'event time is missing');
  }
  const parsedTime = parseEventTime(time);
  if (!parsedTime.ok) {
    return reject(record, pipeline.timeField, `event time ${parsedTime.problem}`);
  }
  if (parsedTime.ms < record.arrivedAt - pipeline.lateness.maxPastMs) {
    return reject(
      record,
      pipeline.timeField,
      `event time ${describeTime(parsedTime.ms)} is more than ` +
        `${formatDuration(pipeline.lateness.maxPastMs)} before the record's arrival at ` +
        `${describeTime(record.arrivedAt)} (lateness.maxPast)${secondsHint(time, pipeline, record)}`,
    );
  }
  if (parsedTime.ms > record.arrivedAt + pipeline.lateness.maxFutureMs) {
    return reject(
      record,
      pipeline.timeField,
      `event time ${describeTime(parsedTime.ms)} is more than ` +
        `${formatDuration(pipeline.lateness.maxFutureMs)} ahead of the record's arrival at ` +
        `${describeTime(record.arrivedAt)} (lateness.maxFuture)`,
    );
  }

  // Sized up front: one array per event is kept until the batch's rows are written.
  const inputs: unknown[] = new Array(pipeline.aggregates.length);
  for (let i = 0; i < pipeline.aggregates.length; i++) {
    const { name, aggregate, path } = pipeline.aggregates[i] as (typeof pipeline.aggregates)[0];
    if (aggregate.input === 'none' || !path) continue;
    const value = readPath(event, path);
    const problem = inputProblem(aggregate.input, value);
    if (problem) return reject(record, path.join('.'), `${problem} (aggregate ${name})`);
    inputs[i] = value;
  }
  return {
    ok: true,
    event: { record, key, time: parsedTime.ms, inputs, cut: Number.NEGATIVE_INFINITY },
  };
}

/** A number that, read as epoch seconds, lands within the accepted span: say so. */
function secondsHint(time: unknown, pipeline: Pipeline, record: InputRecord): string {
  if (typeof time !== 'number') return '';
  const asSeconds = time * 1000;
  const { maxPastMs, maxFutureMs } = pipeline.lateness;
  if (asSeconds < record.arrivedAt - maxPastMs || asSeconds > record.arrivedAt + maxFutureMs) {
    return '';
  }
  return `; it looks like epoch seconds (${describeTime(asSeconds)}): send milliseconds, or convert in the pipeline's time function`;
}
