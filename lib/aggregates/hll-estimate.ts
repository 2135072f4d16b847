/**
 * Otmar Ertl's improved HyperLogLog estimator, from "New cardinality estimation algorithms for
 * HyperLogLog sketches" (2017), section "Improved raw estimator". It reads only the histogram of
 * register values and corrects for both ends of the range, where the raw estimator is biased: σ
 * for the empty registers (small sets) and τ for the saturated ones (past 2^q per register). No
 * switch to linear counting and no empirical bias table, so there is no seam between regimes.
 */

/**
 * σ(x) = x + Σ_{k≥1} x^(2^k) · 2^(k−1), for the share x of empty registers; infinite at x = 1.
 * Each step squares x, so the terms vanish fast once x^(2^k) drops below 1/2^k.
 */
function sigma(x: number): number {
  if (x === 1) return Number.POSITIVE_INFINITY;
  let power = x;
  let weight = 1;
  let sum = x;
  for (;;) {
    power *= power;
    const next = sum + power * weight;
    if (next === sum) return sum;
    sum = next;
    weight *= 2;
  }
}

/**
 * τ(x) = (1 − x − Σ_{k≥1} (1 − x^(2^−k))² · 2^−k) / 3, for the share x of registers that are not
 * saturated; 0 at x = 0 and x = 1.
 */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let root = x;
  let weight = 1;
  let sum = 1 - x;
  for (;;) {
    root = Math.sqrt(root);
    weight /= 2;
    const next = sum - (1 - root) ** 2 * weight;
    if (next === sum) return sum / 3;
    sum = next;
  }
}

/**
 * Estimated number of distinct hashes in a HyperLogLog whose registers hold ranks 0 (empty) to
 * q + 1 (saturated), where q is the number of hash bits left after the register index. Zero for
 * an empty sketch; infinite only when every register is saturated.
 */
export function estimateCardinality(registers: Uint8Array, q: number): number {
  const counts = new Array<number>(q + 2).fill(0);
  for (const r of registers) counts[r] = (counts[r] as number) + 1;
  return estimateFromHistogram(counts, registers.length);
}

/**
 * The same estimate from the histogram of register values (`counts[r]`: registers holding r,
 * empty ones at 0) of `m` registers: what a sparse sketch has without its 2^p registers.
 */
export function estimateFromHistogram(counts: readonly number[], m: number): number {
  const q = counts.length - 2;
  // Horner-style: z = m·τ(1 − C_{q+1}/m) · 2^−q + Σ_{k=1..q} C_k · 2^−k, then σ for the empties
  let z = m * tau(1 - (counts[q + 1] as number) / m);
  for (let k = q; k >= 1; k--) z = 0.5 * (z + (counts[k] as number));
  z += m * sigma((counts[0] as number) / m);
  // α∞ = 1 / (2 ln 2), the bias constant of the raw estimator as m grows
  return (m * m) / (2 * Math.LN2 * z);
}
