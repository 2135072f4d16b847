/** A half-open interval of event time in epoch milliseconds, UTC: [start, end). */
export type TimeRange = { start: number; end: number };

/** How events are grouped in time. All durations are in milliseconds. */
export type WindowSpec =
  | { kind: 'tumbling'; size: number }
  | { kind: 'sliding'; size: number; slide: number }
  | { kind: 'session'; gap: number };
