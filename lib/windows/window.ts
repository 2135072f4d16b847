/** A half-open interval of event time in epoch milliseconds, UTC: [start, end). */
export type TimeRange = { start: number; end: number };

/** How events are grouped in time. All durations are in milliseconds. */
export type WindowSpec =
  | { kind: 'tumbling'; size: number }
  | { kind: 'sliding'; size: number; slide: number }
  | { kind: 'session'; gap: number };

/** Fixed, non-overlapping windows [k·size, (k+1)·size). */
export type TumblingSpec = Extract<WindowSpec, { kind: 'tumbling' }>;

/** Windows of `size` starting every `slide`; they overlap when slide < size. */
export type SlidingSpec = Extract<WindowSpec, { kind: 'sliding' }>;

/** Per-key sessions that close after `gap` without events. */
export type SessionSpec = Extract<WindowSpec, { kind: 'session' }>;

/** What pane and sliding assignment need: a size and a slide (a SlidingSpec fits). */
export type SlideShape = { readonly size: number; readonly slide: number };
