import { seededRandom } from './seeded-random.ts';

/** One event of the example pipeline `page_views` (lib/pipeline-file/page-views.ts). */
export type PageView = { page: string; user: string; ts: number; ms: number; id: number };

export type PageViewOptions = {
  count: number;
  /** Distinct pages, '/page/0' to '/page/<keys-1>'. */
  keys: number;
  /** Distinct users, 'user-0' to 'user-<users-1>'; default 1,000. */
  users?: number;
  /** Same seed, same pages, users, latencies and ids; a random seed when left out. */
  seed?: number;
  /** The clock read as each event is made; its ts. */
  now?: () => number;
};

/** Median and spread of the generated latencies: most views are quick, a few are very slow. */
const MEDIAN_MS = 120;
const SIGMA = 0.6;

/**
 * Page-view events made lazily, one per pull, so `ts` is the time each one was made (a paced
 * consumer gets a stream that spans its real duration). Pages and users are uniform; `ms` is
 * lognormal around 120 ms; `id` counts from 0 within the run.
 */
export function* generatePageViews(options: PageViewOptions): Generator<PageView> {
  const random = seededRandom(options.seed ?? Math.floor(Math.random() * 2 ** 32));
  const users = options.users ?? 1000;
  const now = options.now ?? Date.now;
  for (let id = 0; id < options.count; id++) {
    const page = `/page/${Math.floor(random() * options.keys)}`;
    const user = `user-${Math.floor(random() * users)}`;
    yield { page, user, ts: now(), ms: latencyMs(random), id };
  }
}

/** A lognormal latency in whole milliseconds, at least 1. */
export function latencyMs(random: () => number): number {
  // Box–Muller: two uniform numbers make one standard normal one; 1 - u keeps log() finite.
  const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Math.max(1, Math.round(MEDIAN_MS * Math.exp(SIGMA * z)));
}
