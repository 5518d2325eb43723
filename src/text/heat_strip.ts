/**
 * A layer's activations as one line: each unit a cell, dark when silent, bright yellow when it
 * fires hard (without color the shades ` ░▒▓█`); more units than columns are pooled, each cell
 * showing the strongest unit of its group. And the strongest units by name, for the caption.
 *
 * @module
 */
import type { ColorLevel } from "./color.ts";

const SHADES = [" ", "░", "▒", "▓", "█"];

/** Options for {@linkcode renderHeatStrip}. */
export interface HeatStripOptions {
  /** Cells at most; more units are pooled (max) into this many cells. */
  width: number;
  color: ColorLevel;
  /** The value drawn brightest (default: the largest value). */
  max?: number;
}

/**
 * One line of `width` cells or fewer for `values` (activations, >= 0 after ReLU; negative ones
 * count as 0).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderHeatStrip } from "./heat_strip.ts";
 *
 * assert.equal(renderHeatStrip([0, 0.25, 0.5, 1], { width: 10, color: "none" }), " ░▒█");
 * assert.equal(renderHeatStrip([0, 1, 0, 0.5], { width: 2, color: "none" }), "█▒");
 * ```
 */
export function renderHeatStrip(values: ArrayLike<number>, options: HeatStripOptions): string {
  const n = values.length;
  const cells = Math.max(1, Math.min(n, options.width));
  const pooled = new Float32Array(cells);
  for (let c = 0; c < cells; c++) {
    const from = Math.floor(c * n / cells);
    const to = Math.max(from + 1, Math.floor((c + 1) * n / cells));
    let best = 0;
    for (let i = from; i < to; i++) if (values[i] > best) best = values[i];
    pooled[c] = best;
  }
  let max = options.max ?? 0;
  if (options.max === undefined) { for (const v of pooled) if (v > max) max = v; }
  const inv = max > 0 ? 1 / max : 0;
  let line = "";
  let last = "";
  for (const v of pooled) {
    const t = Math.min(1, v * inv);
    if (options.color === "none") {
      line += SHADES[Math.round(t * (SHADES.length - 1))];
      continue;
    }
    const sgr = heatSgr(options.color, t);
    if (sgr !== last) line += last = sgr;
    line += "█";
  }
  return options.color === "none" ? line : line + "\x1b[39m";
}

/** Dark gray (silent) through deep red and orange to bright yellow, t in 0..1. */
function heatSgr(level: ColorLevel, t: number): string {
  if (t < 0.02) return level === "truecolor" ? "\x1b[38;2;40;40;40m" : "\x1b[38;5;236m";
  const r = Math.round(255 * Math.min(1, 0.25 + t * 1.2));
  const g = Math.round(255 * Math.max(0, Math.min(1, (t - 0.3) * 1.5)));
  const b = Math.round(255 * Math.max(0, (t - 0.8) * 3));
  if (level === "truecolor") return `\x1b[38;2;${r};${g};${b}m`;
  const step = (c: number) => (c < 48 ? 0 : c < 115 ? 1 : Math.min(5, Math.round((c - 35) / 40)));
  return `\x1b[38;5;${16 + 36 * step(r) + 6 * step(g) + step(b)}m`;
}

/**
 * The `k` largest values as `#index value` (or `name(index) value`), strongest first, e.g.
 * "#12 3.41, #7 2.90".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { strongestUnits } from "./heat_strip.ts";
 *
 * assert.equal(strongestUnits([0.5, 3.25, 0, 1], 2), "#1 3.25, #3 1.00");
 * assert.equal(strongestUnits([0, 0], 3), "none fires");
 * assert.equal(strongestUnits([0.2, 0.8], 1, (i) => `digit ${i}`), "digit 1 0.80");
 * ```
 */
export function strongestUnits(
  values: ArrayLike<number>,
  k: number,
  name: (index: number) => string = (index) => `#${index}`,
): string {
  const order = Array.from({ length: values.length }, (_, i) => i)
    .filter((i) => values[i] > 0)
    .sort((a, b) => values[b] - values[a] || a - b)
    .slice(0, k);
  if (order.length === 0) return "none fires";
  return order.map((i) => `${name(i)} ${values[i].toFixed(2)}`).join(", ");
}
