/** Pure window logic: declarations, assignment of event times, sessions and lateness. */
export { checkWindowSpec, type FieldNamer } from './check-spec.ts';
export { WindowRangeError, WindowSpecError } from './errors.ts';
export { type DurationInput, session, sliding, tumbling } from './factories.ts';
export { closeTime, isLate } from './lateness.ts';
export { MAX_PANES_PER_WINDOW, MAX_WINDOW_MS, MIN_WINDOW_MS } from './limits.ts';
export { paneLength, paneOf, panesOfWindow, windowsContainingPane } from './panes.ts';
export {
  addToSessions,
  type MergeValues,
  mergeSessionLists,
  type Session,
  sessionsTouch,
  splitClosed,
} from './sessions.ts';
export { slidingWindowsOf } from './sliding.ts';
export { tumblingWindowOf } from './tumbling.ts';
export type {
  SessionSpec,
  SlideShape,
  SlidingSpec,
  TimeRange,
  TumblingSpec,
  WindowSpec,
} from './window.ts';
export { windowName } from './window-name.ts';
