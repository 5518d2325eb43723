import { distanceTransform } from "./distance_transform.ts";

/**
 * Mean stroke width in pixels of a soft ink grid, from ink area over stroke length. The length
 * comes from the total variation (sum of |differences| between 4-neighbours): crossing a
 * stroke adds 2 (up and down), and averaged over stroke directions a unit of length crosses
 * 4/pi pixel edges, so length = TV * pi / 8. Works on blurred and anti-aliased strokes alike.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { strokeWidth } from "./stroke_width.ts";
 *
 * // A "1" in 28x28: a bar 3 pixels wide and 16 tall.
 * const ink = new Float32Array(28 * 28);
 * for (let y = 6; y < 22; y++) ink.fill(1, y * 28 + 12, y * 28 + 15);
 * assert.equal(strokeWidth(ink, 28, 28).toFixed(1), "3.2");
 * ```
 */
export function strokeWidth(ink: Float32Array, width: number, height: number): number {
  let area = 0, variation = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const v = ink[i];
      area += v;
      // Edges to the right and below; outside the grid counts as no ink.
      variation += Math.abs(v - (x + 1 < width ? ink[i + 1] : 0));
      variation += Math.abs(v - (y + 1 < height ? ink[i + width] : 0));
      if (x === 0) variation += v;
      if (y === 0) variation += v;
    }
  }
  return variation === 0 ? 0 : (8 * area) / (Math.PI * variation);
}

/**
 * Redraws strokes with a pen `radius` pixels fatter: every pixel within `radius` of the strokes
 * (ink >= 0.5) becomes ink, with a one-pixel anti-aliased edge. Thin pens on big canvases
 * shrink to hair lines in 28x28, unlike MNIST's 2-3 pixel strokes; this restores them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { strokeWidth, thickenStrokes } from "./stroke_width.ts";
 *
 * // A hair line one pixel wide, redrawn with a pen one pixel fatter on each side.
 * const ink = new Float32Array(28 * 28);
 * for (let y = 6; y < 22; y++) ink[y * 28 + 13] = 1;
 * const bolder = thickenStrokes(ink, 28, 28, 1);
 * assert.equal(strokeWidth(ink, 28, 28).toFixed(1), "1.2");
 * assert.equal(strokeWidth(bolder, 28, 28).toFixed(1), "3.2");
 * ```
 */
export function thickenStrokes(
  ink: Float32Array,
  width: number,
  height: number,
  radius: number,
): Float32Array {
  const mask = new Uint8Array(ink.length);
  for (let i = 0; i < ink.length; i++) mask[i] = ink[i] >= 0.5 ? 1 : 0;
  const distance = distanceTransform(mask, width, height);
  const out = new Float32Array(ink.length);
  for (let i = 0; i < ink.length; i++) {
    // distance is from pixel centres; the stroke's edge is half a pixel past its last pixel.
    const pen = Math.min(1, Math.max(0, radius + 1 - distance[i]));
    out[i] = Math.max(ink[i], pen);
  }
  return out;
}

/**
 * Redraws strokes with a pen `radius` pixels thinner: only pixels deeper than `radius` inside
 * the strokes (ink >= 0.5) stay ink, with a one-pixel anti-aliased edge. A felt marker's
 * strokes are fatter than almost any MNIST digit's; this brings them back into range.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { strokeWidth, thinStrokes } from "./stroke_width.ts";
 *
 * // A bar 3 pixels wide loses its outer pixels: what is left is one pixel wide.
 * const ink = new Float32Array(28 * 28);
 * for (let y = 6; y < 22; y++) ink.fill(1, y * 28 + 12, y * 28 + 15);
 * const finer = thinStrokes(ink, 28, 28, 1);
 * assert.equal(strokeWidth(finer, 28, 28).toFixed(1), "1.2");
 * ```
 */
export function thinStrokes(
  ink: Float32Array,
  width: number,
  height: number,
  radius: number,
): Float32Array {
  const outside = new Uint8Array(ink.length);
  for (let i = 0; i < ink.length; i++) outside[i] = ink[i] >= 0.5 ? 0 : 1;
  // Distance from each ink pixel's centre to the nearest paper pixel's centre: 1 at the edge.
  const depth = distanceTransform(outside, width, height);
  const out = new Float32Array(ink.length);
  for (let i = 0; i < ink.length; i++) {
    const pen = Math.min(1, Math.max(0, depth[i] - radius));
    out[i] = Math.min(ink[i], pen);
  }
  return out;
}
