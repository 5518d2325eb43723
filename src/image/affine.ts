import { MNIST_SIZE } from "./center_of_mass.ts";

/**
 * One corner of the bilinear sampling, for every output pixel i of a 28x28 field: the source
 * pixel `index[i]` (y * 28 + x) and its weight `weight[i]`. A corner outside the field has
 * index 0 and weight 0: ink from outside the field is 0.
 */
export interface SamplingCorner {
  index: Int32Array;
  weight: Float64Array;
}

/**
 * The 28x28 field turned by `angle` radians and scaled by `scale` about its centre (14, 14) as
 * four corner tables, linear in the pixels: output pixel i is
 *
 *     out[i] = sum over the corners c of corner[c].weight[i] * pixels[corner[c].index[i]]
 *
 * with (sx, sy) the source point of pixel i, x0 = floor(sx), fx = sx - x0 (likewise y), the
 * corners (x0, y0), (x0 + 1, y0), (x0, y0 + 1), (x0 + 1, y0 + 1) and their weights
 * (1 - fx)(1 - fy), fx (1 - fy), (1 - fx) fy, fx fy. `affineDigit` applies these tables, and the
 * ONNX export builds the same views from them (a Gather and a Mul per corner, src/export/).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { affineSampling } from "./affine.ts";
 *
 * const corners = affineSampling(0, 1); // the identity: each pixel from itself
 * assert.equal(corners.length, 4);
 * assert.equal(corners[0].index[100], 100);
 * assert.equal(corners[0].weight[100], 1);
 * assert.equal(corners[3].weight[100], 0);
 * ```
 */
export function affineSampling(angle: number, scale: number): SamplingCorner[] {
  const size = MNIST_SIZE, centre = size / 2, pixels = size * size;
  const corners = Array.from({ length: 4 }, () => ({
    index: new Int32Array(pixels),
    weight: new Float64Array(pixels),
  }));
  const cos = Math.cos(angle), sin = Math.sin(angle);
  const set = (corner: SamplingCorner, i: number, x: number, y: number, weight: number) => {
    if (x < 0 || y < 0 || x >= size || y >= size) return; // stays index 0, weight 0
    corner.index[i] = y * size + x;
    corner.weight[i] = weight;
  };
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // The source of output pixel (x, y): the inverse rotation and scaling.
      const u = x - centre, v = y - centre;
      const sx = (cos * u + sin * v) / scale + centre, sy = (-sin * u + cos * v) / scale + centre;
      const x0 = Math.floor(sx), y0 = Math.floor(sy), fx = sx - x0, fy = sy - y0;
      const i = y * size + x;
      set(corners[0], i, x0, y0, (1 - fx) * (1 - fy));
      set(corners[1], i, x0 + 1, y0, fx * (1 - fy));
      set(corners[2], i, x0, y0 + 1, (1 - fx) * fy);
      set(corners[3], i, x0 + 1, y0 + 1, fx * fy);
    }
  }
  return corners;
}

/**
 * The 784 pixels the corner tables of `affineSampling` make of `pixels` [784]:
 * out[i] = sum over the corners c of weight_c[i] * pixels[index_c[i]], the corners in order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { affineSampling, applySampling } from "./affine.ts";
 *
 * const digit = new Float32Array(784).fill(0.5);
 * assert.deepEqual(applySampling(affineSampling(0, 1), digit), digit);
 * ```
 */
export function applySampling(
  corners: readonly SamplingCorner[],
  pixels: Float32Array,
): Float32Array {
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (const { index, weight } of corners) sum += weight[i] * pixels[index[i]];
    out[i] = sum;
  }
  return out;
}

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
  return applySampling(affineSampling(angle, scale), pixels);
}
