/** Writes `write` over `items`, `concurrency` at a time. */
export async function inChunks<T>(
  concurrency: number,
  items: readonly T[],
  write: (item: T) => Promise<unknown>,
): Promise<void> {
  for (let i = 0; i < items.length; i += concurrency) {
    await Promise.all(items.slice(i, i + concurrency).map(write));
  }
}
