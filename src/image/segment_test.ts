import assert from "node:assert/strict";
import { type GrayImage, grayImage } from "./gray_image.ts";
import { segmentNumber } from "./segment.ts";

/** White paper `width` x `height` with dark rectangles [x, y, w, h] drawn on it. */
function paper(width: number, height: number, rects: number[][]): GrayImage {
  const image = grayImage(width, height, new Float32Array(width * height).fill(0.95));
  for (const [x0, y0, w, h] of rects) {
    for (let y = y0; y < y0 + h; y++) image.luminance.fill(0.1, y * width + x0, y * width + x0 + w);
  }
  return image;
}

Deno.test("a 5 whose top bar is detached is one digit, not two", () => {
  // The bar floats above the body's right part, a gap of 3 pixels; the body: an S-like path.
  const five = paper(80, 80, [
    [30, 10, 28, 4], // the bar
    [30, 17, 4, 20], // the stem down from it
    [30, 35, 24, 4], // the belly's top
    [52, 35, 4, 26], // the belly's right
    [26, 59, 28, 4], // the bottom
  ]);
  const { digits } = segmentNumber(five);
  assert.equal(digits.length, 1);
});

Deno.test("digits apart come left to right; specks are left out", () => {
  const image = paper(200, 80, [
    [150, 15, 5, 50], // a 1 on the right
    [30, 15, 5, 50], // a 1 on the left
    [90, 15, 5, 50],
    [60, 70, 2, 2], // dust
  ]);
  const { digits } = segmentNumber(image);
  assert.deepEqual(digits.map((d) => d.box[0]), [30, 90, 150]);
  for (const d of digits) assert.equal(d.pixels.length, 784);
});

Deno.test("a blank page has no digits and says so", () => {
  const { digits, reason } = segmentNumber(paper(100, 60, []));
  assert.equal(digits.length, 0);
  assert.equal(reason, "no digit found");
});

Deno.test("two digits that touch can be cut where the ink is thinnest", () => {
  // Two boxes ("0 0") joined by a thin bar at mid height: one piece of ink, twice as wide as tall.
  const image = paper(140, 80, [
    [20, 15, 4, 50],
    [50, 15, 4, 50],
    [20, 15, 34, 4],
    [20, 61, 34, 4],
    [54, 38, 12, 2], // the touch
    [66, 15, 4, 50],
    [96, 15, 4, 50],
    [66, 15, 34, 4],
    [66, 61, 34, 4],
  ]);
  const { digits, groups } = segmentNumber(image);
  assert.equal(groups.length, 1); // one connected piece
  assert.ok(groups[0].some((way) => way.length === 2), "a cut into two is offered");
  assert.equal(digits.length, 2); // too wide for one digit: cut by its shape
  assert.ok(digits[0].box[0] + digits[0].box[2] <= digits[1].box[0] + 1);
});
