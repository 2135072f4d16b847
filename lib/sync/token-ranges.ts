/**
 * A partitioner's token space: every key's token t has min < t <= max. Murmur3 never gives
 * Long.MIN_VALUE (it maps it to MAX), so (min, max] holds all its tokens; RandomPartitioner's
 * tokens are 0..2^127.
 */
export type TokenSpace = { readonly name: string; readonly min: bigint; readonly max: bigint };

export const MURMUR3: TokenSpace = {
  name: 'org.apache.cassandra.dht.Murmur3Partitioner',
  min: -(2n ** 63n),
  max: 2n ** 63n - 1n,
};

export const RANDOM: TokenSpace = {
  name: 'org.apache.cassandra.dht.RandomPartitioner',
  min: -1n,
  max: 2n ** 127n,
};

/** The token ranges a full read is split into: `start < token(pk) <= end`. */
export type TokenRange = { readonly id: number; readonly start: bigint; readonly end: bigint };

/** DSBulk's default is 8 splits per core; for one Lambda reading a cluster, a fixed count. */
export const DEFAULT_SPLITS = 32;

/** The token space of a partitioner class name as system.local reports it. */
export function tokenSpaceOf(partitioner: string): TokenSpace {
  if (partitioner.endsWith('Murmur3Partitioner')) return MURMUR3;
  // Amazon Keyspaces' DefaultPartitioner gives RandomPartitioner's tokens.
  if (partitioner.endsWith('RandomPartitioner') || partitioner.endsWith('DefaultPartitioner')) {
    return RANDOM;
  }
  throw new Error(`partitioner ${partitioner} is not supported for token-range reads`);
}

/**
 * Splits the ring into about `splits` ranges that cover every token exactly once, aligned to the
 * nodes' tokens when given (so a range is read from the replicas that own it). The ring's last
 * range wraps from the highest node token round to the lowest; it becomes two ranges, one up to
 * the space's max and one from its min. Each node range gets a share of the splits in proportion
 * to its size (at least one). Ranges come out in token order, with ids 0, 1, 2, ...
 */
export function planTokenRanges(
  space: TokenSpace,
  splits: number,
  nodeTokens: readonly bigint[] = [],
): TokenRange[] {
  if (!Number.isInteger(splits) || splits < 1) throw new Error(`splits must be at least 1`);
  const inside = [...new Set(nodeTokens)]
    .filter((t) => t > space.min && t <= space.max)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  // Boundaries of the unwrapped ring: min, each node token, max (the wrap is split at min/max).
  const bounds = [space.min, ...inside.filter((t) => t < space.max), space.max];
  const total = space.max - space.min;
  const pieces: { start: bigint; end: bigint }[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const start = bounds[i] as bigint;
    const end = bounds[i + 1] as bigint;
    const share = Number(((end - start) * BigInt(splits) + total / 2n) / total);
    pieces.push(...splitEvenly(start, end, Math.max(1, share)));
  }
  return pieces.map((p, id) => ({ id, ...p }));
}

/** (start, end] in `n` ranges as equal as integers allow (never empty ones). */
function splitEvenly(start: bigint, end: bigint, n: number): { start: bigint; end: bigint }[] {
  const width = end - start;
  const count = BigInt(n) > width ? width : BigInt(n);
  const out: { start: bigint; end: bigint }[] = [];
  let from = start;
  for (let i = 1n; i <= count; i++) {
    const to = i === count ? end : start + (width * i) / count;
    out.push({ start: from, end: to });
    from = to;
  }
  return out;
}

/**
 * Why a pass's ranges do not tile `space` (planned for another partitioner, as when a Keyspaces
 * account's partitioner was changed mid-pass), or undefined when they cover exactly (min, max].
 */
export function rangesOutside(
  ranges: readonly { start: bigint; end: bigint }[],
  space: TokenSpace,
): string | undefined {
  if (ranges.length === 0) return undefined;
  let low = ranges[0]?.start as bigint;
  let high = ranges[0]?.end as bigint;
  for (const r of ranges) {
    if (r.start < low) low = r.start;
    if (r.end > high) high = r.end;
  }
  if (low === space.min && high === space.max) return undefined;
  return (
    `its token ranges span (${low}, ${high}] but the store's partitioner (${space.name}) has ` +
    `(${space.min}, ${space.max}]: the partitioner changed since the pass was planned`
  );
}
