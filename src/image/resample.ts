/** A rectangle in source pixel units (may be fractional). */
export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** For one output index along an axis: which source indices contribute, and how much. */
interface Taps {
  start: Int32Array;
  count: Int32Array;
  index: Int32Array;
  weight: Float32Array;
}

/**
 * Resamples `region` of a [height x width] grid to [outHeight x outWidth]. Along an axis that
 * shrinks, each output pixel is the exact area average of the source pixels it covers (a box
 * filter, right for large downscales: a 1000-px digit down to 20 px keeps every stroke); along
 * an axis that grows, it is bilinear, so small digits upscale smoothly. Source pixels outside
 * the grid count as 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resampleRegion } from "./resample.ts";
 *
 * // The right 2x2 half of a [2 x 4] grid, shrunk to one pixel: the mean of 3, 4, 7 and 8.
 * const grid = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
 * const region = { x: 2, y: 0, width: 2, height: 2 };
 * assert.deepEqual(Array.from(resampleRegion(grid, 4, 2, region, 1, 1)), [5.5]);
 * ```
 */
export function resampleRegion(
  pixels: Float32Array,
  width: number,
  height: number,
  region: Region,
  outWidth: number,
  outHeight: number,
): Float32Array {
  const tapsX = axisTaps(region.x, region.width, outWidth, width);
  const tapsY = axisTaps(region.y, region.height, outHeight, height);
  // Horizontal pass: [height x width] -> [height x outWidth].
  const rows = new Float32Array(height * outWidth);
  for (let y = 0; y < height; y++) {
    const rowIn = y * width;
    const rowOut = y * outWidth;
    for (let o = 0; o < outWidth; o++) {
      let sum = 0;
      const end = tapsX.start[o] + tapsX.count[o];
      for (let t = tapsX.start[o]; t < end; t++) {
        sum += pixels[rowIn + tapsX.index[t]] * tapsX.weight[t];
      }
      rows[rowOut + o] = sum;
    }
  }
  // Vertical pass: [height x outWidth] -> [outHeight x outWidth].
  const out = new Float32Array(outHeight * outWidth);
  for (let o = 0; o < outHeight; o++) {
    const end = tapsY.start[o] + tapsY.count[o];
    const rowOut = o * outWidth;
    for (let t = tapsY.start[o]; t < end; t++) {
      const rowIn = tapsY.index[t] * outWidth;
      const w = tapsY.weight[t];
      for (let x = 0; x < outWidth; x++) out[rowOut + x] += rows[rowIn + x] * w;
    }
  }
  return out;
}

/**
 * Area-average downscale (or bilinear upscale) of a whole [height x width] grid to
 * [outHeight x outWidth]: `resampleRegion` over the whole grid. Every shrinking of an image in
 * this project goes through here (the normalizer's working copy, the previews, the canvas).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resize } from "./resample.ts";
 *
 * // [4 x 4] -> [2 x 2]: each output pixel is the mean of one 2x2 block.
 * const grid = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
 * assert.deepEqual(Array.from(resize(grid, 4, 4, 2, 2)), [3.5, 5.5, 11.5, 13.5]);
 * ```
 */
export function resize(
  pixels: Float32Array,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
): Float32Array {
  return resampleRegion(pixels, width, height, { x: 0, y: 0, width, height }, outWidth, outHeight);
}

function axisTaps(start: number, length: number, outLength: number, sourceLength: number): Taps {
  const step = length / outLength; // source pixels per output pixel
  const starts = new Int32Array(outLength);
  const counts = new Int32Array(outLength);
  const index: number[] = [];
  const weight: number[] = [];
  for (let o = 0; o < outLength; o++) {
    starts[o] = index.length;
    if (step >= 1) {
      // Box filter: overlap of [a, b) with each source pixel [i, i + 1), divided by the span.
      const a = start + o * step;
      const b = a + step;
      for (let i = Math.floor(a); i < Math.ceil(b); i++) {
        const overlap = Math.min(b, i + 1) - Math.max(a, i);
        if (overlap > 0 && i >= 0 && i < sourceLength) {
          index.push(i);
          weight.push(overlap / step);
        }
      }
    } else {
      // Bilinear: the output pixel centre in source index coordinates (pixel i centred at i).
      const center = start + (o + 0.5) * step - 0.5;
      const i = Math.floor(center);
      const f = center - i;
      if (i >= 0 && i < sourceLength) {
        index.push(i);
        weight.push(1 - f);
      }
      if (i + 1 >= 0 && i + 1 < sourceLength && f > 0) {
        index.push(i + 1);
        weight.push(f);
      }
    }
    counts[o] = index.length - starts[o];
  }
  return {
    start: starts,
    count: counts,
    index: Int32Array.from(index),
    weight: Float32Array.from(weight),
  };
}

/**
 * A [height x width] grid `factor` times larger each way, every pixel a `factor` x `factor`
 * block (nearest neighbour): a digit drawn bigger keeps its pixels crisp and countable.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { enlarge } from "./resample.ts";
 *
 * // [1 x 2] -> [2 x 4]
 * assert.deepEqual(Array.from(enlarge(Float32Array.from([1, 2]), 2, 2)), [1, 1, 2, 2, 1, 1, 2, 2]);
 * ```
 */
export function enlarge(pixels: Float32Array, width: number, factor: number): Float32Array {
  const height = pixels.length / width;
  const outWidth = width * factor;
  const out = new Float32Array(pixels.length * factor * factor);
  for (let y = 0; y < height * factor; y++) {
    const from = Math.floor(y / factor) * width;
    const row = y * outWidth;
    for (let x = 0; x < outWidth; x++) out[row + x] = pixels[from + Math.floor(x / factor)];
  }
  return out;
}
