import type { EnginePorts } from '#lib/engine/ports';

/** Fields the engine writes as CQL timestamps, and as text the store must encode in UTF-8. */
const TIME_FIELDS = new Set(['start', 'end', 'closeAt', 'eventTime', 'maxEventTime', 'claimed']);
const TEXT_FIELDS = new Set(['key', 'window', 'shardId']);
const DATE_RANGE_MS = 8.64e15;
const LONE_SURROGATE = /\p{Cs}/u;
/** Amazon Keyspaces' row limit: an accumulator alone must stay well under it. */
const ROW_BYTES = 1_000_000;

/** What a real store would refuse (or silently change) in a value the engine sends it. */
function domainProblems(value: unknown, path: string, seen = new Set<unknown>()): string[] {
  if (typeof value !== 'object' || value === null || seen.has(value)) return [];
  seen.add(value);
  if (value instanceof Uint8Array || value instanceof Date) return [];
  const entries =
    value instanceof Map ? [...value.entries()] : Object.entries(value as Record<string, unknown>);
  const problems: string[] = [];
  for (const [name, field] of entries) {
    const at = `${path}.${String(name)}`;
    if (TIME_FIELDS.has(String(name)) && typeof field === 'number' && Number.isFinite(field)) {
      if (Math.abs(field) > DATE_RANGE_MS) problems.push(`${at} = ${field} is no timestamp`);
    }
    if (field instanceof Uint8Array && field.byteLength > ROW_BYTES) {
      problems.push(`${at} is ${field.byteLength} bytes, more than a row may hold`);
    }
    if (TEXT_FIELDS.has(String(name)) && typeof field === 'string' && LONE_SURROGATE.test(field)) {
      problems.push(`${at} is not well-formed Unicode`);
    }
    problems.push(...domainProblems(field, at, seen));
  }
  return problems;
}

/**
 * The ports with every call's arguments checked against CQL's value domains first, as the real
 * store checks them: an in-memory store takes any number as a timestamp and any string as text,
 * so without this a value Cassandra refuses (failing the batch) would pass unnoticed.
 */
export function cqlDomainChecked(ports: EnginePorts): EnginePorts {
  const wrap = <T extends object>(name: string, port: T): T =>
    new Proxy(port, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const problems = domainProblems(args, `${name}.${String(key)}`);
          if (problems.length > 0) throw new Error(`the store refuses: ${problems.join('; ')}`);
          return value.apply(target, args);
        };
      },
    });
  return {
    rows: wrap('rows', ports.rows),
    index: wrap('index', ports.index),
    watermarks: wrap('watermarks', ports.watermarks),
    sideOutputs: wrap('sideOutputs', ports.sideOutputs),
  };
}
