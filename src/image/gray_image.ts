/**
 * A single-channel image: `luminance[y * width + x]` in 0..1, where 0 is black and 1 is white.
 * Decoders produce it (alpha already composited onto white); `normalizeDigit` consumes it.
 */
export interface GrayImage {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** [height x width] row-major, 0 = black, 1 = white. */
  luminance: Float32Array;
}

/**
 * Wraps a row-major float grid as a GrayImage, checking that the sizes agree.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { grayImage } from "./gray_image.ts";
 *
 * const white = grayImage(2, 1, new Float32Array([1, 1]));
 * assert.equal(white.luminance.length, 2);
 * assert.equal(grayImage(3, 2).luminance.length, 6); // all black
 * assert.throws(() => grayImage(3, 2, new Float32Array(5)), RangeError);
 * ```
 */
export function grayImage(width: number, height: number, luminance?: Float32Array): GrayImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`image size must be positive integers, got ${width}x${height}`);
  }
  const pixels = luminance ?? new Float32Array(width * height);
  if (pixels.length !== width * height) {
    throw new RangeError(
      `luminance has ${pixels.length} values, expected ${width}x${height} = ${width * height}`,
    );
  }
  return { width, height, luminance: pixels };
}
