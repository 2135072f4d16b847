import type { Pipeline } from '../pipeline/spec.ts';
import { assembleAllWindows } from '../query/assemble-windows.ts';
import type { WindowResult } from '../query/window-result.ts';
import { CqlWindowRows } from '../store/cql-window-rows.ts';
import type { CassandraSession } from '../store/session.ts';
import type { StoredWindowRow } from '../store/window-rows.ts';

/** What the window browser asks for: a key and a window name narrow it. */
export type WindowQuery = { key?: string; window?: string; perKey?: number; keys?: number };

/** The latest windows per key, and whether the scan stopped short of the whole table. */
export type WindowPage = { windows: WindowResult[]; keys: number; truncated: boolean };

/** Rows read at most per request: the browser shows the newest, not every row. */
const ROWS_READ = 50_000;

/**
 * The newest `perKey` windows of each window name per key (open or final, newest first), for the
 * `keys` keys with the newest windows. Reads the window table page by page, at most ROWS_READ rows.
 */
export async function latestWindows(
  session: CassandraSession,
  pipeline: Pipeline,
  query: WindowQuery,
): Promise<WindowPage> {
  // A page of about a hundred rows: enough to browse, little to lay out twice a second.
  const perKey = query.perKey ?? 2;
  const keyLimit = query.keys ?? 30;
  const rows: StoredWindowRow[] = [];
  let truncated = false;
  for await (const row of new CqlWindowRows(session, pipeline).scan(query.key)) {
    if (rows.length >= ROWS_READ) {
      truncated = true;
      break;
    }
    rows.push(row);
  }
  const filter = query.window === undefined ? {} : { window: query.window };
  const byKey = new Map<string, WindowResult[]>();
  for (const w of assembleAllWindows(pipeline, rows, filter)) {
    if (query.window !== undefined && w.window !== query.window) continue;
    listOf(byKey, w.key).push(w);
  }
  const newest = (list: WindowResult[]) => Math.max(...list.map((w) => w.start));
  const keys = [...byKey].sort((a, b) => newest(b[1]) - newest(a[1]));
  const windows = keys.slice(0, keyLimit).flatMap(([, list]) => {
    const byName = new Map<string, WindowResult[]>();
    for (const w of list) listOf(byName, w.window).push(w);
    return [...byName.values()].flatMap((l) =>
      l.sort((a, b) => b.start - a.start).slice(0, perKey),
    );
  });
  return { windows, keys: byKey.size, truncated: truncated || keys.length > keyLimit };
}

function listOf<T>(lists: Map<string, T[]>, name: string): T[] {
  let list = lists.get(name);
  if (!list) {
    list = [];
    lists.set(name, list);
  }
  return list;
}
