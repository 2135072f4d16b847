/**
 * JSON of results that may hold bigints (event counts): as numbers when they fit a double
 * exactly, as text when not. What `--json` prints and what the dashboard serves.
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, (_, v) =>
    typeof v === 'bigint' ? (Number.isSafeInteger(Number(v)) ? Number(v) : String(v)) : v,
  );
}
