/**
 * Grayscale morphology and smoothing on [height x width] float grids with square windows,
 * each separable and O(1) per pixel whatever the window size (backgrounds need windows of
 * hundreds of pixels).
 */

/**
 * Maximum over a (2r+1) x (2r+1) window (grayscale dilation), clipped at the edges.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { maxFilter } from "./morphology.ts";
 *
 * // One bright pixel in the middle of a 3x3 grid spreads over the whole 3x3 window.
 * const dot = new Float32Array([0, 0, 0, 0, 1, 0, 0, 0, 0]);
 * assert.deepEqual(Array.from(maxFilter(dot, 3, 3, 1)), [1, 1, 1, 1, 1, 1, 1, 1, 1]);
 * ```
 */
export function maxFilter(pixels: Float32Array, width: number, height: number, radius: number) {
  return separable(
    pixels,
    width,
    height,
    radius,
    (line, out, r) => slidingExtreme(line, out, r, 1),
  );
}

/**
 * Minimum over a (2r+1) x (2r+1) window (grayscale erosion), clipped at the edges.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { minFilter } from "./morphology.ts";
 *
 * // A dark pixel (0) on white paper darkens its whole window; elsewhere the paper stays white.
 * const paper = new Float32Array(25).fill(1);
 * paper[6] = 0; // (1, 1) in a 5x5 grid
 * const eroded = minFilter(paper, 5, 5, 1);
 * assert.deepEqual(Array.from(eroded.subarray(0, 5)), [0, 0, 0, 1, 1]);
 * assert.equal(eroded[24], 1);
 * ```
 */
export function minFilter(pixels: Float32Array, width: number, height: number, radius: number) {
  return separable(
    pixels,
    width,
    height,
    radius,
    (line, out, r) => slidingExtreme(line, out, r, -1),
  );
}

/**
 * Mean over a (2r+1) x (2r+1) window; near the edges, the mean of the part inside the grid.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { boxBlur } from "./morphology.ts";
 *
 * const dot = new Float32Array([0, 0, 0, 0, 9, 0, 0, 0, 0]); // 3x3
 * const smooth = boxBlur(dot, 3, 3, 1);
 * assert.equal(smooth[4], 1); // the centre's window holds all nine pixels
 * assert.equal(smooth[0], 9 / 4); // a corner's window holds only four of them
 * ```
 */
export function boxBlur(pixels: Float32Array, width: number, height: number, radius: number) {
  return separable(pixels, width, height, radius, slidingMean);
}

type LineFilter = (line: Float32Array, out: Float32Array, radius: number) => void;

function separable(
  pixels: Float32Array,
  width: number,
  height: number,
  radius: number,
  filter: LineFilter,
): Float32Array {
  const r = Math.max(0, Math.round(radius));
  const horizontal = new Float32Array(pixels.length);
  const line = new Float32Array(Math.max(width, height));
  const out = new Float32Array(Math.max(width, height));
  for (let y = 0; y < height; y++) {
    const row = pixels.subarray(y * width, (y + 1) * width);
    filter(row, horizontal.subarray(y * width, (y + 1) * width), r);
  }
  const result = new Float32Array(pixels.length);
  const column = line.subarray(0, height);
  const columnOut = out.subarray(0, height);
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) column[y] = horizontal[y * width + x];
    filter(column, columnOut, r);
    for (let y = 0; y < height; y++) result[y * width + x] = columnOut[y];
  }
  return result;
}

/** Running max (sign 1) or min (sign -1) with a monotonic queue of indices. */
function slidingExtreme(line: Float32Array, out: Float32Array, r: number, sign: number) {
  const n = line.length;
  const queue = new Int32Array(n);
  let head = 0, tail = 0;
  let next = 0; // next index to enter the window
  for (let i = 0; i < n; i++) {
    const last = Math.min(n - 1, i + r);
    for (; next <= last; next++) {
      const v = line[next] * sign;
      while (tail > head && line[queue[tail - 1]] * sign <= v) tail--;
      queue[tail++] = next;
    }
    while (queue[head] < i - r) head++;
    out[i] = line[queue[head]];
  }
}

function slidingMean(line: Float32Array, out: Float32Array, r: number) {
  const n = line.length;
  let sum = 0;
  let lo = 0, hi = -1; // current window [lo, hi]
  for (let i = 0; i < n; i++) {
    const wantHi = Math.min(n - 1, i + r);
    while (hi < wantHi) sum += line[++hi];
    const wantLo = Math.max(0, i - r);
    while (lo < wantLo) sum -= line[lo++];
    out[i] = sum / (hi - lo + 1);
  }
}
