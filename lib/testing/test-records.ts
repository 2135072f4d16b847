import { parseEventTime } from '../engine/event-time.ts';
import type { EventRecord, Pipeline } from '../pipeline/spec.ts';

/** Bytes sent as they are, not as JSON: to test what a pipeline does with a broken record. */
export class RawRecord {
  readonly data: Uint8Array;
  constructor(data: string | Uint8Array) {
    this.data = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  }
}

/** A record whose bytes are `data` (text is sent as UTF-8), e.g. `rawRecord('{"page": ')`. */
export function rawRecord(data: string | Uint8Array): RawRecord {
  return new RawRecord(data);
}

const encoder = new TextEncoder();

export function recordBytes(input: unknown): Uint8Array {
  return input instanceof RawRecord ? input.data : encoder.encode(JSON.stringify(input));
}

/**
 * What the pipeline makes of an event before it decodes the record for real: its event time
 * (for the record's arrival, so the lateness bounds judge it as a prompt stream would) and key
 * (the partition key a producer would use). Anything that fails is left to the decoding.
 */
export function peekEvent(pipeline: Pipeline, input: unknown): { time?: number; key?: string } {
  if (input instanceof RawRecord || typeof input !== 'object' || input === null) return {};
  try {
    const raw = input as EventRecord;
    if (pipeline.filter && !pipeline.filter(raw)) return {};
    const event = pipeline.map ? pipeline.map(raw) : raw;
    const time = parseEventTime(pipeline.time(event));
    const key = pipeline.key(event);
    return {
      ...(time.ok ? { time: time.ms } : {}),
      ...(typeof key === 'string' || typeof key === 'number' ? { key: String(key) } : {}),
    };
  } catch {
    return {};
  }
}
