import cassandra from 'cassandra-driver';
import type { ColumnType, ScalarType } from './column-type.ts';

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
    return (value) =>
      value === null || value === undefined
        ? null
        : Array.from(value as Iterable<DriverValue>, element);
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
  const scalar = scalarOf(type.name);
  return (value) => (value === null || value === undefined ? null : scalar(value));
}

/** A driver value of the given column type as a SyncValue (null stays null). */
export function toSyncValue(type: ColumnType, value: DriverValue): SyncValue {
  return syncValueOf(type)(value);
}

/** Why a stored timestamp cannot be carried: Cassandra's int64 ms reach far past JavaScript's. */
export const OUT_OF_DATES =
  'timestamp outside the dates JavaScript can hold (271821 BC to 275760 AD), so its value is lost';

function scalarOf(name: ScalarType): (value: DriverValue) => SyncValue {
  switch (name) {
    case 'int':
    case 'smallint':
    case 'tinyint':
    case 'float':
    case 'double':
      return Number;
    case 'boolean':
      return Boolean;
    case 'decimal':
      return (value) => decimalText(value as cassandra.types.BigDecimal);
    case 'bigint':
    case 'counter':
    case 'varint':
    case 'time':
      // Exact digits: a Long, BigInt or LocalTime prints its full value.
      return String;
    case 'timestamp':
      return (value) => {
        // The driver makes a Date of the stored int64 ms, an invalid one past ±8.64e15 ms.
        if (Number.isNaN((value as Date).getTime())) throw new RangeError(OUT_OF_DATES);
        return (value as Date).toISOString();
      };
    case 'blob':
      return (value) => new Uint8Array(value as Buffer);
    default:
      return String; // text, ascii, varchar, uuid, timeuuid, inet; date: LocalDate prints YYYY-MM-DD
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
  const digits = bytes.subarray(4);
  let unscaled = digits.length === 0 ? 0n : BigInt(`0x${digits.toString('hex')}`);
  if (digits.length > 0 && (digits[0] as number) & 0x80)
    unscaled -= 1n << BigInt(digits.length * 8);
  const sign = unscaled < 0n ? '-' : '';
  const text = (unscaled < 0n ? -unscaled : unscaled).toString();
  if (scale <= 0) return unscaled === 0n ? '0' : `${sign}${text}${'0'.repeat(-scale)}`;
  const padded = text.padStart(scale + 1, '0');
  return `${sign}${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
}
