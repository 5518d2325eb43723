import assert from "node:assert/strict";
import { histogram, otsuThreshold, percentile } from "./histogram.ts";

Deno.test("percentiles of a histogram are within a bin of the sorted values'", () => {
  const values = Float32Array.from({ length: 1001 }, (_, i) => i / 1000);
  const h = histogram(values);
  for (const q of [0.1, 0.5, 0.9]) assert.ok(Math.abs(percentile(h, q) - q) < 1e-3, `q=${q}`);
  // Values outside the range are clamped into the end bins; counting can start at `from`.
  const wide = histogram(Float32Array.from([-5, 0.25, 0.75, 7]), -1, 1);
  assert.equal(wide.total, 4);
  assert.ok(percentile(wide, 0) < -0.99 && percentile(wide, 1) > 0.99);
  assert.equal(histogram(Float32Array.from([0.1, 0.2, 0.6, 0.9]), 0, 1, 0.5).total, 2);
  assert.equal(percentile(histogram(new Float32Array(0)), 0.5), 0);
});

Deno.test("Otsu's threshold separates the two modes of a bimodal distribution", () => {
  // 700 paper pixels near 0.1 and 300 ink pixels near 0.8.
  const values = Float32Array.from(
    { length: 1000 },
    (_, i) => i < 700 ? 0.1 + (i % 7) * 0.01 : 0.8 + (i % 5) * 0.01,
  );
  const t = otsuThreshold(histogram(values));
  assert.ok(t > 0.16 && t <= 0.8, `threshold ${t}`);
  assert.equal(values.filter((v) => v >= t).length, 300);
});
