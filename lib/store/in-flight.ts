/**
 * A cap on requests in flight: `limit(run)` starts `run` once fewer than `max` started through
 * the same limiter are unsettled, in the order they were asked for.
 */
export function inFlightLimit(max: number): <T>(run: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    active--;
    waiting.shift()?.();
  };
  return async <T>(run: () => Promise<T>): Promise<T> => {
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await run();
    } finally {
      release();
    }
  };
}
