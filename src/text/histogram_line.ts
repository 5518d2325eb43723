/**
 * A histogram as one line of bars (`▁▂▃▄▅▆▇█`, an empty bin a space), with its range around it:
 * `-0.31 ▁▂▅█▆▃▁  ▁ 0.42`. For weight and activation histograms in a table row.
 *
 * @module
 */
import { type ColorLevel, paint } from "./color.ts";

const BARS = "▁▂▃▄▅▆▇█";

/** Options for {@linkcode histogramLine}. */
export interface HistogramLineOptions {
  color: ColorLevel;
  /** The range the bins cover, printed at both ends (omitted when not given). */
  min?: number;
  max?: number;
  /** Formats the range (default: 2 decimals). */
  format?: (value: number) => string;
}

/**
 * One bar per bin, height by count relative to the fullest bin; a nonempty bin is at least
 * `▁`, an empty one a space, so a lone outlier stays visible.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { histogramLine } from "./histogram_line.ts";
 *
 * assert.equal(histogramLine([1, 4, 8, 0, 1], { color: "none" }), "▁▄█ ▁");
 * assert.equal(histogramLine([2, 2], { color: "none", min: -1, max: 1 }), "-1.00 ██ 1.00");
 * ```
 */
export function histogramLine(counts: ArrayLike<number>, options: HistogramLineOptions): string {
  let most = 0;
  for (let i = 0; i < counts.length; i++) if (counts[i] > most) most = counts[i];
  let bars = "";
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i];
    if (!(n > 0)) bars += " ";
    else bars += BARS[Math.max(0, Math.ceil(n / most * BARS.length) - 1)];
  }
  const c = paint(options.color);
  const body = c.cyan(bars);
  if (options.min === undefined || options.max === undefined) return body;
  const format = options.format ?? ((v: number) => v.toFixed(2));
  return `${c.dim(format(options.min))} ${body} ${c.dim(format(options.max))}`;
}
