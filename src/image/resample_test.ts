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

Deno.test("a thin stroke survives a 50x shrink at its true strength, wherever it lies", () => {
  // A 4-px vertical line in a 1000x1000 image, shrunk to 20x20 (1 output pixel = 50x50): area
  // averaging gives its column 4/50 = 0.08 of ink on every row; sampling would miss it.
  for (const left of [0, 123, 498, 996]) {
    const pixels = new Float32Array(1000 * 1000);
    for (let y = 0; y < 1000; y++) pixels.fill(1, y * 1000 + left, y * 1000 + left + 4);
    const small = resize(pixels, 1000, 1000, 20, 20);
    for (let y = 0; y < 20; y++) {
      const row = Array.from(small.subarray(y * 20, y * 20 + 20));
      const total = row.reduce((s, v) => s + v, 0);
      assert.ok(Math.abs(total - 0.08) < 1e-5, `left ${left} row ${y}: total ${total}`);
      const start = Math.floor(left / 50), end = Math.floor((left + 3) / 50);
      row.forEach((v, x) => assert.equal(v > 0, x >= start && x <= end, `column ${x}`));
    }
  }
});

Deno.test("a fractional region is averaged by overlap; pixels outside the grid count as 0", () => {
  const row = Float32Array.from([2, 4, 6, 8]);
  // [0.5, 2.5) -> one pixel: (0.5 * 2 + 4 + 0.5 * 6) / 2.
  const inside = resampleRegion(row, 4, 1, { x: 0.5, y: 0, width: 2, height: 1 }, 1, 1);
  assert.deepEqual(Array.from(inside), [4]);
  // [-1, 3) -> two pixels: (0 + 2) / 2 and (4 + 6) / 2, as when fitInBox centres a narrow digit.
  const overhang = resampleRegion(row, 4, 1, { x: -1, y: 0, width: 4, height: 1 }, 2, 1);
  assert.deepEqual(Array.from(overhang), [1, 5]);
});

Deno.test("one axis can shrink while the other grows", () => {
  // [1 x 4] -> [2 x 2]: columns averaged in pairs, the single row grown bilinearly (its two
  // output rows sit at source y = -0.25 and 0.25: 0.75 and 0.75 of the row, 0 beyond).
  const out = resize(Float32Array.from([1, 3, 5, 7]), 4, 1, 2, 2);
  assert.deepEqual(Array.from(out), [1.5, 4.5, 1.5, 4.5]);
});
