import { setTimeout as sleep } from 'node:timers/promises';

export type Clock = { now(): number; sleep(ms: number): Promise<unknown> };

const realClock: Clock = { now: () => Date.now(), sleep: (ms) => sleep(ms) };

/**
 * Hands out items at `perSecond` on average: item i no earlier than i/perSecond seconds after
 * the first. An item is pulled from `items` only when it is due, so a lazily made item (an event
 * with its creation time) is made at its moment. Running late is caught up without waiting.
 */
export async function* paced<T>(
  items: Iterable<T> | AsyncIterable<T>,
  perSecond: number,
  clock: Clock = realClock,
): AsyncGenerator<T> {
  const iterator =
    Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : items[Symbol.iterator]();
  const start = clock.now();
  for (let i = 0; ; i++) {
    const wait = start + (i * 1000) / perSecond - clock.now();
    if (wait > 0) await clock.sleep(wait);
    const next = await iterator.next();
    if (next.done) return;
    yield next.value;
  }
}
