/**
 * What the late-events table says an event missed (its `window` column): the window's name and
 * start, `tumbling_1m@2026-12-04T14:20:00.000Z`, since a sliding event can be late for some of
 * its windows and counted in the others; a session window's name alone (a session has no fixed
 * start until it closes).
 */
export function lateLabel(windowName: string, start?: number): string {
  return start === undefined ? windowName : `${windowName}@${new Date(start).toISOString()}`;
}
