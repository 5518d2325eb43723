import assert from "node:assert/strict";
import type { GrayImage } from "./gray_image.ts";
import { inkIsDark } from "./polarity.ts";

function image(width: number, height: number, f: (x: number, y: number) => number): GrayImage {
  const luminance = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) luminance[y * width + x] = f(x, y);
  }
  return { width, height, luminance };
}

const ring = (x: number, y: number, cx: number, cy: number, r: number) =>
  Math.abs(Math.hypot(x - cx, y - cy) - r) < r / 6;

Deno.test("pen on paper is dark ink; a canvas with ink = 1 on 0 and chalk on a board are light", () => {
  assert.equal(inkIsDark(image(300, 200, (x, y) => (ring(x, y, 150, 100, 60) ? 0.1 : 0.9))), true);
  assert.equal(inkIsDark(image(28, 28, (x, y) => (ring(x, y, 14, 14, 8) ? 1 : 0))), false);
  assert.equal(inkIsDark(image(56, 56, (x, y) => (ring(x, y, 20, 30, 12) ? 0.8 : 0))), false);
  assert.equal(
    inkIsDark(image(400, 300, (x, y) => (ring(x, y, 200, 150, 80) ? 0.85 : 0.15))),
    false,
  );
});

Deno.test("a vignette darker at the border than the paper does not flip the polarity", () => {
  // Paper at 0.95 in the middle falling to 0.2 in the corners, dark ink in the middle.
  const vignette = (x: number, y: number) =>
    0.95 - 0.75 * (((x - 200) / 200) ** 2 + ((y - 150) / 150) ** 2) / 2;
  assert.equal(
    inkIsDark(image(400, 300, (x, y) => ring(x, y, 200, 150, 60) ? 0.1 : vignette(x, y))),
    true,
  );
  // The same light on a blackboard with chalk.
  assert.equal(
    inkIsDark(
      image(400, 300, (x, y) => (ring(x, y, 200, 150, 60) ? 0.9 : 0.25) * (1.2 - vignette(x, y))),
    ),
    false,
  );
  // Nothing but the vignette: paper, so dark ink (and nothing will be found).
  assert.equal(inkIsDark(image(400, 300, vignette)), true);
});

Deno.test("ink covering nearly half the image does not fool it", () => {
  // A fat ring on a clean background.
  assert.equal(
    inkIsDark(
      image(200, 200, (x, y) => (Math.abs(Math.hypot(x - 100, y - 100) - 60) < 25 ? 0 : 1)),
    ),
    true,
  );
});
