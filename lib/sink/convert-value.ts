import { parseEventTime, typeName } from '../engine/event-time.ts';
import { isWellFormed } from '../engine/well-formed.ts';
import type { SinkColumnType } from '../pipeline/sink-spec.ts';

export type Converted = { ok: true; value: unknown } | { ok: false; problem: string };

const INT32 = 2 ** 31;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INTEGER_TEXT = /^-?\d+$/;

const fail = (problem: string): Converted => ({ ok: false, problem });
const ok = (value: unknown): Converted => ({ ok: true, value });

function integer(value: unknown, type: string): bigint | string {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value)
      ? BigInt(value)
      : `must be a whole number within ±2^53 for ${type}, got ${value}`;
  }
  if (typeof value === 'string' && INTEGER_TEXT.test(value)) return BigInt(value);
  return `must be a whole number for ${type}, got ${typeName(value)}`;
}

/**
 * A JSON value as the driver should bind it to a column of `type`, or what is wrong with it.
 * Strict where a silent coercion would store something the producer did not mean.
 */
export function convertValue(type: SinkColumnType, value: unknown): Converted {
  switch (type) {
    case 'text':
      if (typeof value === 'string') {
        return isWellFormed(value)
          ? ok(value)
          : fail('must be well-formed Unicode for text (it holds a lone UTF-16 surrogate)');
      }
      if (typeof value === 'number' && Number.isFinite(value)) return ok(String(value));
      return fail(`must be a string for text, got ${typeName(value)}`);
    case 'int': {
      const n = integer(value, 'int');
      if (typeof n === 'string') return fail(n);
      return n >= -INT32 && n < INT32 ? ok(Number(n)) : fail(`${n} is outside the int range`);
    }
    case 'bigint': {
      const n = integer(value, 'bigint');
      if (typeof n === 'string') return fail(n);
      return n >= -(2n ** 63n) && n < 2n ** 63n ? ok(n) : fail(`${n} is outside the bigint range`);
    }
    case 'varint': {
      const n = integer(value, 'varint');
      return typeof n === 'string' ? fail(n) : ok(n);
    }
    case 'float':
    case 'double':
      if (typeof value === 'number' && Number.isFinite(value)) return ok(value);
      return fail(`must be a finite number for ${type}, got ${typeName(value)}`);
    case 'boolean':
      return typeof value === 'boolean'
        ? ok(value)
        : fail(`must be true or false, got ${typeName(value)}`);
    case 'timestamp': {
      const time = parseEventTime(value);
      return time.ok ? ok(new Date(time.ms)) : fail(`timestamp ${time.problem}`);
    }
    case 'uuid':
      return typeof value === 'string' && UUID.test(value)
        ? ok(value.toLowerCase())
        : fail(
            `must be a UUID string, got ${typeof value === 'string' ? `'${value.slice(0, 40)}'` : typeName(value)}`,
          );
  }
}
