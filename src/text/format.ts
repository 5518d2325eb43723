/** How numbers read in every output: counts with their noun, percentages, thousands. */

/**
 * A count with its noun, singular for one: the one place that decides "1 epoch" vs "3 epochs".
 * Nouns whose plural is not noun + "s" give it (`plural(n, "batch", "batches")`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(plural(1, "epoch"), "1 epoch");
 * assert.equal(plural(12000, "digit"), "12,000 digits");
 * assert.equal(plural(3, "batch", "batches"), "3 batches");
 * ```
 */
export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? noun : nouns}`;
}

/**
 * A 0..1 fraction as a percentage with `digits` decimals (two by default).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(percent(0.97641), "97.64%");
 * assert.equal(percent(0.5, 0), "50%");
 * ```
 */
export function percent(fraction: number, digits = 2): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}

/**
 * A whole number with thousands separators.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(count(60000), "60,000");
 * ```
 */
export function count(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}
