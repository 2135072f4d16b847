/** Reads a dot path ('user.id', 'items.0.price') from a decoded JSON event. */
export function readPath(event: unknown, path: readonly string[]): unknown {
  let value: unknown = event;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Splits 'a.b.c' into its parts; empty parts are refused by the spec schema. */
export function splitPath(path: string): string[] {
  return path.split('.');
}
