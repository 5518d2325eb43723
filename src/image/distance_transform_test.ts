import assert from "node:assert/strict";
import { distanceTransform } from "./distance_transform.ts";

Deno.test("distance transform equals the brute-force Euclidean distance to the nearest inside pixel", () => {
  const width = 23, height = 17;
  let s = 5;
  const inside = Uint8Array.from({ length: width * height }, () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s / 2 ** 32 < 0.04 ? 1 : 0;
  });
  const points: [number, number][] = [];
  inside.forEach((v, i) => v && points.push([i % width, Math.floor(i / width)]));
  assert.ok(points.length > 3);
  const distance = distanceTransform(inside, width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const expected = Math.min(...points.map(([px, py]) => Math.hypot(px - x, py - y)));
      assert.ok(Math.abs(distance[y * width + x] - expected) < 1e-4, `(${x}, ${y})`);
    }
  }
  assert.ok(distanceTransform(new Uint8Array(6), 3, 2).every((d) => d === Infinity));
});
