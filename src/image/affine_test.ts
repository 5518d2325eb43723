import assert from "node:assert/strict";
import { loadSampleData } from "../data/sample.ts";
import { affineDigit, affineSampling } from "./affine.ts";

/**
 * Bilinear sampling written out directly, as affineDigit computed it before its tables: the
 * reference the tables must reproduce.
 */
function directAffine(pixels: Float32Array, angle: number, scale: number): Float32Array {
  const size = 28, centre = 14;
  const out = new Float32Array(size * size);
  const cos = Math.cos(angle), sin = Math.sin(angle);
  const at = (x: number, y: number) =>
    x < 0 || y < 0 || x >= size || y >= size ? 0 : pixels[y * size + x];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const u = x - centre, v = y - centre;
      const sx = (cos * u + sin * v) / scale + centre, sy = (-sin * u + cos * v) / scale + centre;
      const x0 = Math.floor(sx), y0 = Math.floor(sy), fx = sx - x0, fy = sy - y0;
      out[y * size + x] = (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) +
        fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
    }
  }
  return out;
}

/** Real digits from the offline sample, and noise that reaches the field's edges. */
async function images(): Promise<Float32Array[]> {
  const { test } = await loadSampleData();
  const digits = Array.from(
    { length: 100 },
    (_, s) => Float32Array.from(test.pixels.subarray(s * 784, (s + 1) * 784), (v) => v / 255),
  );
  // Deterministic noise in 0..1 (image sits beside network, whose Random it may not import).
  const noise = Array.from(
    { length: 20 },
    (_, k) =>
      Float32Array.from({ length: 784 }, (_, i) => (Math.sin(i * 12.9898 + k * 78.233) + 1) / 2),
  );
  return [...digits, ...noise];
}

// The views the app reads a digit in (src/train/views.ts), the identity, and maps that take much
// of the field from outside it (enlarged, turned far).
const MAPS: [number, number][] = [
  [0, 0.85],
  [0.1, 0.92],
  [-0.1, 0.92],
  [0, 1],
  [0.7, 1.3],
  [-2, 0.6],
];

Deno.test("affineDigit is its tables applied: per corner a gather times a weight, summed", async () => {
  for (const pixels of await images()) {
    for (const [angle, scale] of MAPS) {
      const corners = affineSampling(angle, scale);
      // The graph's steps: per corner a Gather of the pixels by the index table, times the
      // weight table, the four products summed.
      const gathered = corners.map(({ index, weight }) =>
        Array.from(index, (source, i) => weight[i] * pixels[source])
      );
      const viewed = Float32Array.from(
        { length: 784 },
        (_, i) => gathered[0][i] + gathered[1][i] + gathered[2][i] + gathered[3][i],
      );
      assert.deepEqual(viewed, affineDigit(pixels, angle, scale), `[${angle}, ${scale}]`);
    }
  }
});

Deno.test("affineDigit from its tables equals the bilinear formula written out", async () => {
  let unequal = 0;
  for (const pixels of await images()) {
    for (const [angle, scale] of MAPS) {
      const direct = directAffine(pixels, angle, scale);
      const tabled = affineDigit(pixels, angle, scale);
      for (let i = 0; i < 784; i++) {
        if (direct[i] !== tabled[i]) unequal++;
      }
    }
  }
  // Bit for bit: the views a refusal threshold was chosen on did not move.
  assert.equal(unequal, 0, `${unequal} pixels differ`);
});

Deno.test("a sampling corner outside the field has index 0 and weight 0", () => {
  // Scaled down to a tenth: the outer pixels sample far outside the field.
  const corners = affineSampling(0, 0.1);
  for (const { index, weight } of corners) {
    assert.equal(index[0], 0);
    assert.equal(weight[0], 0);
  }
  // The centre pixel (14, 14) samples itself alone.
  const centre = 14 * 28 + 14;
  assert.deepEqual(corners.map((c) => [c.index[centre], c.weight[centre]]), [
    [centre, 1],
    [centre + 1, 0],
    [centre + 28, 0],
    [centre + 29, 0],
  ]);
});
