import assert from "node:assert/strict";
import { resampleRegion, resize } from "./resample.ts";

Deno.test("area downscale averages exactly the covered pixels, fractional ratios included", () => {
  const pixels = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
  assert.deepEqual(Array.from(resize(pixels, 4, 4, 2, 2)), [3.5, 5.5, 11.5, 13.5]);
  // 3 -> 2 along a row: [1, 2, 3] -> [(1 + 0.5 * 2) / 1.5, (0.5 * 2 + 3) / 1.5].
  const row = resize(Float32Array.from([1, 2, 3]), 3, 1, 2, 1);
  assert.ok(Math.abs(row[0] - 4 / 3) < 1e-6 && Math.abs(row[1] - 8 / 3) < 1e-6);
  // Mass (mean times area) is preserved by any downscale.
  const big = Float32Array.from({ length: 97 * 61 }, (_, i) => (i * 7919) % 13 / 13);
  const small = resize(big, 97, 61, 20, 13);
  const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
  assert.ok(Math.abs(mean(big) - mean(small)) < 1e-3);
});

Deno.test("scale 1 copies the region exactly; upscaling is bilinear", () => {
  const pixels = Float32Array.from({ length: 35 }, (_, i) => i);
  const copy = resampleRegion(pixels, 7, 5, { x: 2, y: 1, width: 3, height: 2 }, 3, 2);
  assert.deepEqual(Array.from(copy), [9, 10, 11, 16, 17, 18]);
  const up = resize(Float32Array.from([0, 1]), 2, 1, 4, 1);
  // Output centres at source x = -0.25, 0.25, 0.75, 1.25 (outside counts as 0).
  assert.deepEqual(Array.from(up), [0, 0.25, 0.75, 0.75]);
});
