/** `host:port` → [host, port]; bare hosts and IPv6 literals without brackets have no port. */
export function splitHostPort(point: string): [string, number | undefined] {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(point);
  if (match?.[1] && match[2] && (point.startsWith('[') || !match[1].includes(':'))) {
    return [match[1], Number(match[2])];
  }
  return [point.replace(/^\[|\]$/g, ''), undefined];
}

/** True for names and addresses of this machine's loopback interface. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * The address a local server binds for a loopback host: `localhost` resolves to both 127.0.0.1
 * and ::1, so servers bind 127.0.0.1 and clients that name `localhost` still reach them.
 */
export function bindAddress(host: string): string {
  const bare = host.replace(/^\[|\]$/g, '');
  return bare === 'localhost' ? '127.0.0.1' : bare;
}

/** A connection URL fit to print: the password is left out. */
export function withoutPassword<T extends string | undefined>(url: T): T {
  if (!url) return url;
  const parsed = new URL(url);
  parsed.password = '';
  return parsed.toString() as T;
}
