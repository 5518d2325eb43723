import { distanceTransform } from "./distance_transform.ts";

/**
 * Mean stroke width in pixels of a soft ink grid, from ink area over stroke length. The length
 * comes from the total variation (sum of |differences| between 4-neighbours): crossing a
 * stroke adds 2 (up and down), and averaged over stroke directions a unit of length crosses
 * 4/pi pixel edges, so length = TV * pi / 8. Works on blurred and anti-aliased strokes alike.
 *
 * @example
 * ```ts
 * strokeWidth(mnistDigit, 28, 28); // about 2.5 for a typical MNIST digit
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
 * const bolder = thickenStrokes(ink, width, height, 4);
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
 * const finer = thinStrokes(ink, width, height, 3);
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
