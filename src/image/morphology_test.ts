import assert from "node:assert/strict";
import { boxBlur, maxFilter, minFilter } from "./morphology.ts";

function randomGrid(width: number, height: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: width * height }, () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s / 2 ** 32;
  });
}

/** The obvious O(r^2) definition, clipped at the edges. */
function bruteForce(
  pixels: Float32Array,
  width: number,
  height: number,
  r: number,
  reduce: (values: number[]) => number,
): Float32Array {
  const out = new Float32Array(pixels.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const values: number[] = [];
      for (let yy = Math.max(0, y - r); yy <= Math.min(height - 1, y + r); yy++) {
        for (let xx = Math.max(0, x - r); xx <= Math.min(width - 1, x + r); xx++) {
          values.push(pixels[yy * width + xx]);
        }
      }
      out[y * width + x] = reduce(values);
    }
  }
  return out;
}

Deno.test("max, min and box filters match their brute-force definitions", () => {
  for (const [width, height, r] of [[13, 9, 0], [13, 9, 1], [17, 11, 3], [5, 20, 7], [1, 1, 2]]) {
    const pixels = randomGrid(width, height, width * 31 + r);
    const label = `${width}x${height} r=${r}`;
    assert.deepEqual(
      maxFilter(pixels, width, height, r),
      bruteForce(pixels, width, height, r, (v) => Math.max(...v)),
      label,
    );
    assert.deepEqual(
      minFilter(pixels, width, height, r),
      bruteForce(pixels, width, height, r, (v) => Math.min(...v)),
      label,
    );
    const mean = bruteForce(
      pixels,
      width,
      height,
      r,
      (v) => v.reduce((a, b) => a + b, 0) / v.length,
    );
    const blurred = boxBlur(pixels, width, height, r);
    blurred.forEach((v, i) => assert.ok(Math.abs(v - mean[i]) < 1e-5, `${label} pixel ${i}`));
  }
});

Deno.test("closing (max then min) fills dark strokes narrower than the window", () => {
  // A 3-px dark line on white: closing with a 7-px window restores the white paper.
  const width = 20, height = 20;
  const paper = Float32Array.from(
    { length: width * height },
    (_, i) => (i % width >= 8 && i % width < 11 ? 0.1 : 1),
  );
  const closed = minFilter(maxFilter(paper, width, height, 3), width, height, 3);
  assert.ok(closed.every((v) => v === 1));
});
