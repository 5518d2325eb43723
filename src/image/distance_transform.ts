/**
 * Exact Euclidean distance from every pixel to the nearest pixel where `inside[i]` is true
 * (0 on those pixels), by Felzenszwalb and Huttenlocher's two-pass lower-envelope method,
 * O(n) whatever the distances. Used to redraw strokes with a round pen of a chosen radius.
 * Pixels are Infinity away when there is no inside pixel at all.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { distanceTransform } from "./distance_transform.ts";
 *
 * // 3x2 grid, one inside pixel at the top left.
 * const inside = new Uint8Array([1, 0, 0, 0, 0, 0]);
 * const distance = distanceTransform(inside, 3, 2);
 * assert.deepEqual(Array.from(distance.subarray(0, 4)), [0, 1, 2, 1]);
 * assert.equal(distance[5].toFixed(3), Math.sqrt(5).toFixed(3)); // two across, one down
 * ```
 */
export function distanceTransform(
  inside: Uint8Array,
  width: number,
  height: number,
): Float32Array {
  const squared = new Float64Array(width * height);
  for (let i = 0; i < squared.length; i++) squared[i] = inside[i] ? 0 : Infinity;
  const n = Math.max(width, height);
  const f = new Float64Array(n);
  const d = new Float64Array(n);
  const v = new Int32Array(n);
  const z = new Float64Array(n + 1);
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) f[y] = squared[y * width + x];
    squaredDistance1d(f, height, d, v, z);
    for (let y = 0; y < height; y++) squared[y * width + x] = d[y];
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) f[x] = squared[y * width + x];
    squaredDistance1d(f, width, d, v, z);
    for (let x = 0; x < width; x++) squared[y * width + x] = d[x];
  }
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(squared[i]);
  return out;
}

/** d[q] = min over p of (q - p)^2 + f[p]: the lower envelope of parabolas rooted at each p. */
function squaredDistance1d(
  f: Float64Array,
  n: number,
  d: Float64Array,
  v: Int32Array,
  z: Float64Array,
) {
  let k = -1;
  for (let q = 0; q < n; q++) {
    if (f[q] === Infinity) continue;
    while (k >= 0) {
      const s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
      if (s > z[k]) {
        k++;
        v[k] = q;
        z[k] = s;
        break;
      }
      k--;
    }
    if (k < 0) {
      k = 0;
      v[0] = q;
      z[0] = -Infinity;
    }
    z[k + 1] = Infinity;
  }
  if (k < 0) {
    d.fill(Infinity, 0, n);
    return;
  }
  let j = 0;
  for (let q = 0; q < n; q++) {
    while (z[j + 1] < q) j++;
    d[q] = (q - v[j]) ** 2 + f[v[j]];
  }
}
