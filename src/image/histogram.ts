/** Bins per histogram: finer than 8-bit input, cheap to scan. */
const BINS = 2048;

/**
 * Distribution of values clamped to [min, max], for percentiles and Otsu's threshold in O(n)
 * (sorting a megapixel image would cost more than the rest of the pipeline).
 */
export interface Histogram {
  counts: Float64Array;
  total: number;
  min: number;
  max: number;
}

/**
 * Histograms `values` clamped to [min, max] (default 0..1), counting only those at or above
 * `from` if given.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { histogram, percentile } from "./histogram.ts";
 *
 * const h = histogram(new Float32Array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]));
 * assert.equal(h.total, 10);
 * assert.equal(percentile(h, 0.5).toFixed(2), "0.50"); // the median
 * ```
 */
export function histogram(values: Float32Array, min = 0, max = 1, from = -Infinity): Histogram {
  const counts = new Float64Array(BINS);
  const scale = BINS / (max - min);
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < from) continue;
    const bin = Math.min(BINS - 1, Math.max(0, Math.floor((v - min) * scale)));
    counts[bin]++;
    total++;
  }
  return { counts, total, min, max };
}

/**
 * The value below which fraction `q` of the histogram lies (bin centre), 0 if empty.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { histogram, percentile } from "./histogram.ts";
 *
 * const h = histogram(new Float32Array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]));
 * assert.equal(percentile(h, 0.9).toFixed(2), "0.90");
 * ```
 */
export function percentile(h: Histogram, q: number): number {
  if (h.total === 0) return h.min;
  const target = q * h.total;
  let seen = 0;
  for (let bin = 0; bin < BINS; bin++) {
    seen += h.counts[bin];
    if (seen >= target && h.counts[bin] > 0) return binValue(h, bin + 0.5);
  }
  return h.max;
}

/**
 * Otsu's threshold: the value that best separates the histogram into two classes (maximal
 * between-class variance). Values above it are "ink".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { histogram, otsuThreshold } from "./histogram.ts";
 *
 * // Paper around 0.1, ink around 0.9: the threshold falls between the two.
 * const t = otsuThreshold(histogram(new Float32Array([0.1, 0.12, 0.1, 0.9, 0.88, 0.9])));
 * assert.ok(t >= 0.12 && t < 0.88);
 * ```
 */
export function otsuThreshold(h: Histogram): number {
  let sumAll = 0;
  for (let bin = 0; bin < BINS; bin++) sumAll += bin * h.counts[bin];
  let weightLow = 0, sumLow = 0;
  let best = 0, bestVariance = -1;
  for (let bin = 0; bin < BINS - 1; bin++) {
    weightLow += h.counts[bin];
    sumLow += bin * h.counts[bin];
    const weightHigh = h.total - weightLow;
    if (weightLow === 0 || weightHigh === 0) continue;
    const meanLow = sumLow / weightLow;
    const meanHigh = (sumAll - sumLow) / weightHigh;
    const variance = weightLow * weightHigh * (meanLow - meanHigh) ** 2;
    if (variance > bestVariance) {
      bestVariance = variance;
      best = bin;
    }
  }
  return binValue(h, best + 1);
}

function binValue(h: Histogram, bin: number): number {
  return h.min + (bin / BINS) * (h.max - h.min);
}
