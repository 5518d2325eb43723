/**
 * A low quantile of held-out scores, estimated so that one score does not decide it: the
 * refusal threshold is the 0.2% quantile of 2,000 held-out digits' scores, where a single order
 * statistic (the 5th lowest) jumps with the gaps of a sparse tail (0.26 to 0.37 between the 4th
 * and the 5th for the shipped model). The Harrell-Davis estimator (Harrell & Davis 1982) is a
 * weighted average of all the order statistics, with the weights a Beta((n+1)q, (n+1)(1-q))
 * distribution gives the position of the q quantile:
 *
 *     Q(q) = sum_i w_i x_(i),   w_i = I_{i/n}(a, b) - I_{(i-1)/n}(a, b),
 *     a = (n + 1) q,  b = (n + 1)(1 - q),
 *
 * where I_x(a, b) is the regularized incomplete beta function. It has a smaller variance than
 * one order statistic and is smooth in the data.
 *
 * @module
 */

/**
 * The Harrell-Davis estimate of the `q` quantile (0 < q < 1) of `sorted` (ascending).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { harrellDavisQuantile } from "./quantile.ts";
 *
 * // The median of 1..9 is 5, by symmetry.
 * const values = [1, 2, 3, 4, 5, 6, 7, 8, 9];
 * assert.ok(Math.abs(harrellDavisQuantile(values, 0.5) - 5) < 1e-9);
 * // A low quantile sits between the lowest values, weighted towards them, not on one of them.
 * const tail = harrellDavisQuantile([0.1, 0.2, 0.3, 0.9, 1, 1, 1, 1, 1, 1], 0.2);
 * assert.ok(tail > 0.2 && tail < 0.4);
 * ```
 */
export function harrellDavisQuantile(sorted: readonly number[], q: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError("no values to take a quantile of");
  if (!(q > 0 && q < 1)) throw new RangeError(`quantile must be in (0, 1), got ${q}`);
  if (n === 1) return sorted[0];
  const a = (n + 1) * q, b = (n + 1) * (1 - q);
  let estimate = 0, below = 0;
  for (let i = 1; i <= n; i++) {
    const upTo = regularizedBeta(i / n, a, b);
    estimate += (upTo - below) * sorted[i - 1];
    below = upTo;
    // The rest of the weight is too small to move the estimate (a low quantile's weights end
    // within a few dozen order statistics).
    if (1 - below < 1e-12) break;
  }
  return estimate;
}

/**
 * The regularized incomplete beta function I_x(a, b), by its continued fraction (Lentz's
 * method), on the side where it converges fast (Numerical Recipes, 6.4).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { regularizedBeta } from "./quantile.ts";
 *
 * assert.ok(Math.abs(regularizedBeta(0.5, 2, 2) - 0.5) < 1e-12); // symmetric
 * assert.ok(Math.abs(regularizedBeta(0.3, 1, 1) - 0.3) < 1e-12); // uniform: I_x(1, 1) = x
 * assert.ok(Math.abs(regularizedBeta(0.2, 1, 3) - (1 - 0.8 ** 3)) < 1e-12);
 * ```
 */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x),
  );
  return x < (a + 1) / (a + b + 2)
    ? (front * betaFraction(x, a, b)) / a
    : 1 - (front * betaFraction(1 - x, b, a)) / b;
}

/** The continued fraction of the incomplete beta function (modified Lentz). */
function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1, d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 1000; m++) {
    const m2 = 2 * m;
    // The even step, then the odd one.
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return h;
}

/** ln Γ(x) for x > 0 (Lanczos' approximation, g = 7, 9 terms: about 15 digits). */
function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const g = 7;
  const c = [
    0.99999999999980993,
    676.5203681218851,
    -1259.1392167224028,
    771.32342877765313,
    -176.61502916214059,
    12.507343278686905,
    -0.13857109526572012,
    9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  const z = x - 1;
  let sum = c[0];
  for (let i = 1; i < 9; i++) sum += c[i] / (z + i);
  const t = z + g + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}
