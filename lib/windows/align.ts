/**
 * t mod n in [0, n), also for negative t (JavaScript's % keeps the sign of t). Exact for safe
 * integers, unlike Math.floor(t / n), which rounds the quotient first.
 */
export function floorMod(t: number, n: number): number {
  const r = t % n;
  return r < 0 ? r + n : r;
}

/** The largest multiple of `n` at or below `t`: epoch-aligned, correct for negative t. */
export function alignDown(t: number, n: number): number {
  return t - floorMod(t, n);
}

/** Greatest common divisor of two positive integers. */
export function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}
