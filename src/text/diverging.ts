/**
 * A diverging color scale for signed values (weights, saliency): positive values in warm
 * orange, negative in blue, zero black; brighter means larger. Without color, shades: positive
 * `░▒▓█`, negative `·-=≡`, zero a space. And images drawn in it, two pixel rows per line like
 * block art, so a 28x28 weight tile reads like a digit.
 *
 * @module
 */
import { type ColorLevel, graySgr } from "./color.ts";

/** The gray of a NaN value: a pixel with nothing to show (one no training digit inks). */
const MARK_GRAY = 0.22;

// Warm for positive, cool for negative (ColorBrewer-like, on black for a dark terminal).
const POSITIVE = [255, 140, 30];
const NEGATIVE = [40, 140, 255];
// In 256 colors the scaled RGB would round to the palette cube's olive, maroon and teal at middle
// brightness; these ramps of palette colors stay orange (r > g, b = 0) and blue (b > g, r = 0)
// from dim to bright, after black for zero.
const PALETTE_POSITIVE = [16, 130, 166, 172, 208, 214];
const PALETTE_NEGATIVE = [16, 18, 25, 26, 32, 33, 39];
const PLAIN_POSITIVE = [" ", "░", "▒", "▓", "█"];
const PLAIN_NEGATIVE = [" ", "·", "-", "=", "≡"];

/**
 * The SGR code for `v` in -1..1 (clamped) on the diverging scale, as foreground or background;
 * "" at level `"none"`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { divergingSgr } from "./diverging.ts";
 *
 * assert.equal(divergingSgr("truecolor", 1, "fg"), "\x1b[38;2;255;140;30m");
 * assert.equal(divergingSgr("truecolor", 0, "bg"), "\x1b[48;2;0;0;0m");
 * assert.equal(divergingSgr("none", -1, "fg"), "");
 * assert.equal(divergingSgr("256", 0.5, "fg"), "\x1b[38;5;208m"); // orange, not olive
 * assert.equal(divergingSgr("256", -0.5, "fg"), "\x1b[38;5;32m"); // blue, not teal
 * ```
 */
export function divergingSgr(level: ColorLevel, v: number, layer: "fg" | "bg"): string {
  if (level === "256") {
    const t = Number.isFinite(v) ? Math.max(-1, Math.min(1, v)) : 0;
    const ramp = t >= 0 ? PALETTE_POSITIVE : PALETTE_NEGATIVE;
    // the same square-root brightness as divergingRgb, over the ramp's steps
    const step = Math.round(Math.sqrt(Math.abs(t)) * (ramp.length - 1));
    return `\x1b[${layer === "fg" ? 38 : 48};5;${ramp[step]}m`;
  }
  const [r, g, b] = divergingRgb(v);
  return rgbSgr(level, r, g, b, layer);
}

/**
 * The RGB (0..255 each) of `v` in -1..1 on the diverging scale, for blending with other layers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { divergingRgb } from "./diverging.ts";
 *
 * assert.deepEqual(divergingRgb(-1), [40, 140, 255]);
 * assert.deepEqual(divergingRgb(0), [0, 0, 0]);
 * ```
 */
export function divergingRgb(v: number): [number, number, number] {
  const t = Number.isFinite(v) ? Math.max(-1, Math.min(1, v)) : 0;
  const hue = t >= 0 ? POSITIVE : NEGATIVE;
  const m = Math.sqrt(Math.abs(t));
  return [Math.round(hue[0] * m), Math.round(hue[1] * m), Math.round(hue[2] * m)];
}

/**
 * The SGR code for an RGB color (0..255 each) at `level`: truecolor, or the nearest of the
 * 256-color cube; "" at `"none"`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rgbSgr } from "./diverging.ts";
 *
 * assert.equal(rgbSgr("256", 255, 0, 0, "fg"), "\x1b[38;5;196m");
 * ```
 */
export function rgbSgr(
  level: ColorLevel,
  r: number,
  g: number,
  b: number,
  layer: "fg" | "bg",
): string {
  if (level === "none") return "";
  const base = layer === "fg" ? 38 : 48;
  if (level === "truecolor") return `\x1b[${base};2;${r};${g};${b}m`;
  return `\x1b[${base};5;${cube(r, g, b)}m`;
}

/** The nearest color of the 256-color palette's 6x6x6 cube. */
function cube(r: number, g: number, b: number): number {
  const step = (c: number) => (c < 48 ? 0 : c < 115 ? 1 : Math.min(5, Math.round((c - 35) / 40)));
  return 16 + 36 * step(r) + 6 * step(g) + step(b);
}

/**
 * The plain-text shade for `v` in -1..1: positive `░▒▓█`, negative `·-=≡`, near zero a space.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { divergingShade } from "./diverging.ts";
 *
 * assert.deepEqual([1, 0.3, 0, -0.3, -1].map(divergingShade), ["█", "▒", " ", "-", "≡"]);
 * ```
 */
export function divergingShade(v: number): string {
  const t = Number.isFinite(v) ? Math.max(-1, Math.min(1, v)) : 0;
  const level = Math.round(Math.sqrt(Math.abs(t)) * 4);
  return (t >= 0 ? PLAIN_POSITIVE : PLAIN_NEGATIVE)[level];
}

/** Options for {@linkcode renderDivergingMap}. */
export interface DivergingMapOptions {
  /** Pixels per row (default: the square root of the count). */
  width: number;
  color: ColorLevel;
  /** The value drawn at full brightness (default: the largest magnitude in the map). */
  scale?: number;
}

/**
 * Draws signed values [height x width] on the diverging scale, two rows per line (`▀` with the
 * upper value as foreground, the lower as background); without color one shade per cell, of
 * the larger-magnitude of its two values. NaN values are drawn in a dim gray (a space without
 * color): pixels with nothing to show.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderDivergingMap } from "./diverging.ts";
 *
 * // Two rows of four: each cell shows the larger-magnitude of its upper and lower value.
 * const weights = new Float32Array([1, -1, 0, 0, 0.5, 0, -0.2, 0]);
 * assert.deepEqual(renderDivergingMap(weights, { width: 4, color: "none" }), ["█≡- "]);
 * ```
 */
export function renderDivergingMap(
  values: ArrayLike<number>,
  options: DivergingMapOptions,
): string[] {
  const width = options.width;
  if (width <= 0 || values.length % width !== 0) {
    throw new RangeError(`diverging map: ${values.length} values do not fill rows of ${width}`);
  }
  const height = values.length / width;
  let scale = options.scale ?? 0;
  if (options.scale === undefined) {
    for (let i = 0; i < values.length; i++) {
      const m = Math.abs(values[i]);
      if (m > scale) scale = m; // false for NaN
    }
  }
  const inv = scale > 0 ? 1 / scale : 0;
  const at = (x: number, y: number) => (y < height ? values[y * width + x] * inv : 0);
  const lines: string[] = [];
  for (let y = 0; y < height; y += 2) {
    let line = "";
    if (options.color === "none") {
      for (let x = 0; x < width; x++) {
        const upper = at(x, y);
        const lower = at(x, y + 1);
        line += divergingShade(Math.abs(upper) >= Math.abs(lower) ? upper : lower);
      }
    } else {
      let fg = "";
      let bg = "";
      const sgr = (v: number, layer: "fg" | "bg") =>
        Number.isNaN(v)
          ? graySgr(options.color, MARK_GRAY, layer)
          : divergingSgr(options.color, v, layer);
      for (let x = 0; x < width; x++) {
        const upper = sgr(at(x, y), "fg");
        const lower = sgr(at(x, y + 1), "bg");
        if (upper !== fg) line += fg = upper;
        if (lower !== bg) line += bg = lower;
        line += "▀";
      }
      line += "\x1b[39;49m";
    }
    lines.push(line);
  }
  return lines;
}

/**
 * Halves an image [height x width] by averaging 2x2 blocks (an odd last row or column is
 * averaged alone): a 28x28 weight tile becomes 14x14, 14 columns by 7 lines as a map.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { halveImage } from "./diverging.ts";
 *
 * assert.deepEqual(halveImage(new Float32Array([1, 3, 0, 0, 5, 7, 0, 0]), 4), new Float32Array([4, 0]));
 * ```
 */
export function halveImage(values: ArrayLike<number>, width: number): Float32Array {
  const height = Math.ceil(values.length / width);
  const w = Math.ceil(width / 2);
  const h = Math.ceil(height / 2);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let sum = 0;
      let n = 0;
      for (let dy = 0; dy < 2; dy++) {
        for (let dx = 0; dx < 2; dx++) {
          const sx = 2 * x + dx;
          const sy = 2 * y + dy;
          // NaN pixels (nothing to show) are left out; a block of only NaN stays NaN
          if (sx < width && sy < height && !Number.isNaN(values[sy * width + sx])) {
            sum += values[sy * width + sx];
            n++;
          }
        }
      }
      out[y * w + x] = n > 0 ? sum / n : NaN;
    }
  }
  return out;
}
