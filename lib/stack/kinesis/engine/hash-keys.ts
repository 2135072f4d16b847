import { createHash } from 'node:crypto';

/** Kinesis maps each record to a 128-bit hash key: MD5 of its partition key, unless explicit. */
export const MAX_HASH_KEY = (1n << 128n) - 1n;

export type HashKeyRange = { start: bigint; end: bigint };

export function hashKeyOf(partitionKey: string): bigint {
  return BigInt(`0x${createHash('md5').update(partitionKey, 'utf8').digest('hex')}`);
}

/** Range `index` of `count` even parts of the whole hash key space, as Kinesis lays them out. */
export function evenRange(index: number, count: number): HashKeyRange {
  const size = MAX_HASH_KEY + 1n;
  return {
    start: (size * BigInt(index)) / BigInt(count),
    end: (size * BigInt(index + 1)) / BigInt(count) - 1n,
  };
}

/** A decimal hash key as Kinesis accepts it (0 to 2^128-1), or undefined. */
export function parseHashKey(text: string): bigint | undefined {
  if (!/^\d{1,39}$/.test(text)) return undefined;
  const key = BigInt(text);
  return key <= MAX_HASH_KEY ? key : undefined;
}
