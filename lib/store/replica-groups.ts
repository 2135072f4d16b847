import type { CassandraSession } from './session.ts';

/**
 * A partition key as the driver serializes it for token-aware routing: one component as is,
 * several as [length u16][bytes][0] each.
 */
export function routingKey(parts: readonly Buffer[]): Buffer {
  if (parts.length === 1 && parts[0]) return parts[0];
  const out = Buffer.alloc(parts.reduce((n, p) => n + 3 + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.writeUInt16BE(part.length, offset);
    part.copy(out, offset + 2);
    offset += 2 + part.length;
    out[offset++] = 0;
  }
  return out;
}

export function textKeyPart(value: string): Buffer {
  return Buffer.from(value, 'utf8');
}

export function bigintKeyPart(value: number | bigint): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigInt64BE(BigInt(value));
  return out;
}

/**
 * `items` grouped by the replicas that own their partitions, in groups of at most `size`: a
 * group's writes can go as one unlogged batch that its coordinator applies locally, instead of
 * one request each (the grouping the Spark connector calls replica_set). Where the driver knows
 * no ring (not connected yet, or a service that hides it), everything is one group.
 */
export function groupByReplicas<T>(
  session: CassandraSession,
  items: readonly T[],
  partitionOf: (item: T) => Buffer,
  size: number,
): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const owner = session.replicasOf(partitionOf(item));
    const group = groups.get(owner);
    if (group) group.push(item);
    else groups.set(owner, [item]);
  }
  const out: T[][] = [];
  for (const group of groups.values()) {
    for (let i = 0; i < group.length; i += size) out.push(group.slice(i, i + size));
  }
  return out;
}
