import { readFileSync } from 'node:fs';

const LISTEN = '0A';

/**
 * The local addresses of the sockets listening on TCP `port` on this machine, read from
 * /proc/net/tcp and /proc/net/tcp6 (no connection made): `['127.0.0.1']` for a server bound to
 * loopback only, `['0.0.0.0']` or `['::']` for one on every interface.
 */
export function listeningAddresses(port: number): string[] {
  const found: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const lines = readFileSync(file, 'utf8').trim().split('\n').slice(1);
    for (const line of lines) {
      const [, local, , state] = line.trim().split(/\s+/);
      const [address, portHex] = local?.split(':') ?? [];
      if (state === LISTEN && address && Number.parseInt(portHex ?? '', 16) === port) {
        found.push(decodeAddress(address));
      }
    }
  }
  return found;
}

/** The kernel prints each 32-bit word of the address in host (little-endian) byte order. */
function decodeAddress(hex: string): string {
  const bytes = (hex.match(/.{8}/g) ?? []).flatMap((word) =>
    (word.match(/../g) ?? []).reverse().map((b) => Number.parseInt(b, 16)),
  );
  if (bytes.length === 4) return bytes.join('.');
  const groups = [];
  for (let i = 0; i < 16; i += 2)
    groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  // The URL parser writes an IPv6 address in its shortest form.
  return new URL(`http://[${groups.join(':')}]`).hostname.replace(/^\[|\]$/g, '');
}
