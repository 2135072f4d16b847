/** Maps over `items` with at most `limit` calls in flight; results keep the input order. */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Like mapWithConcurrency, with `prepare` run on each chunk of `chunkSize` items before any of
 * them starts: the next chunk is prepared while this one runs, so the preparing (indexing the
 * rows' windows) hides behind the work (writing the rows) instead of going first.
 */
export async function mapWithPreparedChunks<T, R>(
  items: readonly T[],
  limit: number,
  chunkSize: number,
  prepare: (chunk: readonly T[]) => Promise<void>,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const prepared: Promise<void>[] = [];
  const ready = (chunk: number): Promise<void> => {
    for (let c = prepared.length; c <= chunk + 1 && c * chunkSize < items.length; c++) {
      const started = prepare(items.slice(c * chunkSize, (c + 1) * chunkSize));
      started.catch(() => {}); // awaited by the chunk's items; not unhandled meanwhile
      prepared.push(started);
    }
    return prepared[chunk] ?? Promise.resolve();
  };
  const indexes = items.map((_, i) => i);
  return mapWithConcurrency(indexes, limit, async (i) => {
    await ready(Math.floor(i / chunkSize));
    return fn(items[i] as T);
  });
}
