import { MNIST_SIZE } from "./center_of_mass.ts";

/**
 * A 28x28 digit turned by `angle` radians and scaled by `scale` about the field's centre
 * (14, 14), sampled bilinearly; ink that would come from outside the field is 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { affineDigit } from "./affine.ts";
 *
 * const digit = new Float32Array(784);
 * for (let y = 4; y < 24; y++) digit[y * 28 + 14] = 1; // a "1", 20 pixels tall
 * const smaller = affineDigit(digit, 0, 0.85);
 * assert.equal(smaller[14 * 28 + 14], 1); // the centre stays
 * assert.equal(smaller[4 * 28 + 14], 0); // the top came in by three pixels
 * ```
 */
export function affineDigit(pixels: Float32Array, angle: number, scale: number): Float32Array {
  const size = MNIST_SIZE, centre = size / 2;
  const out = new Float32Array(size * size);
  const cos = Math.cos(angle), sin = Math.sin(angle);
  const at = (x: number, y: number) =>
    x < 0 || y < 0 || x >= size || y >= size ? 0 : pixels[y * size + x];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // The source of output pixel (x, y): the inverse rotation and scaling.
      const u = x - centre, v = y - centre;
      const sx = (cos * u + sin * v) / scale + centre, sy = (-sin * u + cos * v) / scale + centre;
      const x0 = Math.floor(sx), y0 = Math.floor(sy), fx = sx - x0, fy = sy - y0;
      out[y * size + x] = (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) +
        fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
    }
  }
  return out;
}
