/**
 * Rows per batch of one partition, and their accumulator bytes: Cassandra refuses batches over
 * 50 KiB (batch_size_fail_threshold) and warns over 5 KiB per statement on average.
 */
export const MAX_PARTITION_ROWS = 10;
export const MAX_PARTITION_ACC_BYTES = 24_576;

/** Applies `apply` to the rows `MAX_PARTITION_ROWS` at a time, one chunk after another. */
export async function inPartitionChunks<T, R>(
  rows: readonly T[],
  apply: (chunk: readonly T[]) => Promise<R[]>,
): Promise<R[]> {
  const outcomes: R[] = [];
  for (let i = 0; i < rows.length; i += MAX_PARTITION_ROWS) {
    outcomes.push(...(await apply(rows.slice(i, i + MAX_PARTITION_ROWS))));
  }
  return outcomes;
}
