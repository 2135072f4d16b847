/**
 * One window of one key as `cassflow query` shows it: final or still taking events. `Values`
 * types the results of a typed pipeline (see TypedPipeline).
 */
export type WindowResult<Values = Record<string, unknown>> = {
  key: string;
  /** The window's name, e.g. 'tumbling_1m', 'sliding_10m_1m', 'session_30m'. */
  window: string;
  start: number;
  end: number;
  /** True once the watermark passed end + allowed lateness; the values will not change. */
  final: boolean;
  events: bigint;
  /** Each aggregate's result by name (null when it has none, e.g. min of no values). */
  values: Values;
};

/** Which windows to read. Times are epoch ms; a window matches when from ≤ start < to. */
export type WindowFilter = {
  key?: string;
  window?: string;
  from?: number;
  to?: number;
};

export function matchesFilter(w: Pick<WindowResult, 'start'>, filter: WindowFilter): boolean {
  return (
    (filter.from === undefined || w.start >= filter.from) &&
    (filter.to === undefined || w.start < filter.to)
  );
}

/** By key, then window name, then start: the order `cassflow query` prints. */
export function compareResults(a: WindowResult, b: WindowResult): number {
  if (a.key !== b.key) return a.key < b.key ? -1 : 1;
  if (a.window !== b.window) return a.window < b.window ? -1 : 1;
  return a.start - b.start;
}
