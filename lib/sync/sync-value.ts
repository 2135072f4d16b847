import cassandra from 'cassandra-driver';
import type { ColumnType, ScalarType } from './column-type.ts';
import { isoTimeOf } from './iso-time.ts';

/**
 * A column value in a form every target can write without losing anything: integers beyond
 * 2^53 and decimals as exact strings, times as epoch ms or ISO text, bytes as Uint8Array.
 */
export type SyncValue =
  | null
  | string
  | number
  | boolean
  | Uint8Array
  | readonly SyncValue[]
  | { readonly [key: string]: SyncValue };

/** What the driver hands back, loosely: its Long, BigDecimal, Uuid, LocalDate... all print exactly. */
type DriverValue = unknown;

/** Turns a driver value of one column type into a SyncValue (null stays null). */
export type SyncValueOf = (value: DriverValue) => SyncValue;

/**
 * The converter of one column type, built once per column: a sync turns every cell of every
 * page, so the type's decisions are made here and not per value.
 */
export function syncValueOf(type: ColumnType): SyncValueOf {
  if (type.kind === 'list' || type.kind === 'set') {
    const element = syncValueOf(type.element);
    // The driver's own array when its elements are already what a target takes (text, numbers).
    const same = type.element.kind === 'scalar' && keptAsIs(type.element.name);
    return (value) => {
      if (value === null || value === undefined) return null;
      if (same && Array.isArray(value)) return value as SyncValue[];
      return Array.from(value as Iterable<DriverValue>, element);
    };
  }
  if (type.kind === 'map') {
    const key = syncValueOf(type.key);
    const item = syncValueOf(type.value);
    return (value) => {
      if (value === null || value === undefined) return null;
      const out: Record<string, SyncValue> = {};
      const entries = value instanceof Map ? value.entries() : Object.entries(value as object);
      for (const [k, v] of entries) out[String(key(k))] = item(v);
      return out;
    };
  }
  return scalarOf(type.name);
}

/** A driver value of the given column type as a SyncValue (null stays null). */
export function toSyncValue(type: ColumnType, value: DriverValue): SyncValue {
  return syncValueOf(type)(value);
}

/** Why a stored timestamp cannot be carried: Cassandra's int64 ms reach far past JavaScript's. */
export const OUT_OF_DATES =
  'timestamp outside the dates JavaScript can hold (271821 BC to 275760 AD), so its value is lost';

/** Types the driver already hands over as a target takes them (a string, a number, a boolean). */
function keptAsIs(name: ScalarType): boolean {
  return ['text', 'ascii', 'varchar', 'int', 'smallint', 'tinyint', 'float', 'double'].includes(
    name,
  );
}

/** The converter of one scalar type; null (and undefined) stay null. */
function scalarOf(name: ScalarType): SyncValueOf {
  switch (name) {
    case 'int':
    case 'smallint':
    case 'tinyint':
    case 'float':
    case 'double':
      return (value) => (value === null || value === undefined ? null : Number(value));
    case 'boolean':
      return (value) => (value === null || value === undefined ? null : Boolean(value));
    case 'decimal':
      return (value) =>
        value === null || value === undefined
          ? null
          : decimalText(value as cassandra.types.BigDecimal);
    case 'timestamp': {
      const isoTime = isoTimeOf();
      return (value) => {
        if (value === null || value === undefined) return null;
        // The driver makes a Date of the stored int64 ms, an invalid one past ±8.64e15 ms.
        const ms = (value as Date).getTime();
        if (Number.isNaN(ms)) throw new RangeError(OUT_OF_DATES);
        return isoTime(ms);
      };
    }
    case 'blob':
      // A view of the driver's bytes, not a copy (and not a Buffer: its toJSON would win over
      // a JSON target's replacer).
      return (value) => {
        if (value === null || value === undefined) return null;
        const bytes = value as Buffer;
        return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      };
    default:
      // Exact text: a Long or BigInt prints every digit (bigint, counter, varint), a LocalTime
      // or LocalDate its value (time, date); text, uuid, timeuuid and inet print as themselves.
      return (value) => (value === null || value === undefined ? null : String(value));
  }
}

/**
 * A decimal's exact digits. The driver's own toString does long division on its 32-bit-limb
 * integer and showed up as the sync's hottest code; its wire form (scale, then the unscaled
 * value in two's complement) turns into a native BigInt at once.
 */
export function decimalText(value: cassandra.types.BigDecimal): string {
  const bytes = cassandra.types.BigDecimal.toBuffer(value);
  const scale = bytes.readInt32BE(0);
  const length = bytes.length - 4;
  let negative: boolean;
  let text: string;
  if (length <= 6) {
    // Up to 48 bits: exact as a double, no BigInt needed (most decimals are this small).
    const unscaled = length === 0 ? 0 : bytes.readIntBE(4, length);
    negative = unscaled < 0;
    text = String(negative ? -unscaled : unscaled);
  } else {
    const digits = bytes.subarray(4);
    let unscaled = BigInt(`0x${digits.toString('hex')}`);
    if ((digits[0] as number) & 0x80) unscaled -= 1n << BigInt(length * 8);
    negative = unscaled < 0n;
    text = (negative ? -unscaled : unscaled).toString();
  }
  const sign = negative ? '-' : '';
  if (scale <= 0) return text === '0' ? '0' : `${sign}${text}${'0'.repeat(-scale)}`;
  const padded = text.padStart(scale + 1, '0');
  return `${sign}${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
}
