import assert from "node:assert/strict";
import { grayImage } from "./gray_image.ts";
import { findInk } from "./normalize.ts";
import { withFaintDigits } from "./faint_digits.ts";
import { segmentNumber } from "./segment.ts";

/** White paper `width` x 40 with strokes painted at the given luminance. */
function paper(width: number) {
  return grayImage(width, 40, new Float32Array(width * 40).fill(1));
}
function paint(image: ReturnType<typeof paper>, xs: number[], y0: number, y1: number, v: number) {
  for (let y = y0; y < y1; y++) for (const x of xs) image.luminance[y * image.width + x] = v;
}

Deno.test("a bold digit with a faint rim stays as it was", () => {
  const image = paper(60);
  paint(image, [18, 19, 20], 8, 32, 0);
  paint(image, [17, 21], 8, 32, 0.85); // the rim of a blurred stroke
  paint(image, [40, 41, 42], 8, 32, 0);
  const map = findInk(image)!;
  const found = withFaintDigits(map, map.components);
  assert.deepEqual(found.pieces, map.components);
  assert.equal(found.map, map);
});

Deno.test("a faint stroke running off the page's edge is not a digit", () => {
  const image = paper(60);
  paint(image, [18, 19, 20], 8, 32, 0);
  paint(image, [40, 41], 0, 40, 0.7); // a light rule down the page
  const map = findInk(image)!;
  assert.equal(withFaintDigits(map, map.components).pieces.length, 1);
});

Deno.test("a faint digit broken into fragments at the picture's levels is one piece, not cut", () => {
  // A bold 0, and a light "4"-like shape 20 px wide (ink 0.2, under the picture's quarter
  // level) whose right upright reaches the half level in one short stretch: at the picture's
  // levels all of it but that stretch is paper.
  const image = paper(80);
  paint(image, [10, 11, 12, 22, 23, 24], 8, 32, 0);
  for (const y of [8, 9, 10, 29, 30, 31]) {
    paint(image, [13, 14, 15, 16, 17, 18, 19, 20, 21], y, y + 1, 0);
  }
  paint(image, [40, 41], 8, 24, 0.8); // left upright, light
  for (let x = 40; x < 60; x++) image.luminance[23 * 80 + x] = 0.8; // the bar
  paint(image, [55, 56], 8, 32, 0.8); // right upright
  paint(image, [55, 56], 12, 16, 0.45); // a darker stretch
  const { rows } = segmentNumber(image);
  assert.equal(rows.length, 1);
  // The 0 is wide enough to be offered cut in two; the faint 4 is one atom, offered whole.
  const last = rows[0].candidates.filter((c) => c.to === rows[0].atoms);
  assert.deepEqual(last.map((c) => [c.to - c.from, c.box]), [[1, [40, 8, 20, 24]]]);
});

/** `image` with a soft Gaussian blot of `depth` centred at (cx, cy). */
function blot(
  image: ReturnType<typeof paper>,
  cx: number,
  cy: number,
  sx: number,
  sy: number,
  depth: number,
) {
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const g = Math.exp(-(((x - cx) / sx) ** 2 + ((y - cy) / sy) ** 2) / 2);
      image.luminance[y * image.width + x] -= depth * g;
    }
  }
}

Deno.test("a soft smudge of a digit's size beside bold digits is not a digit", () => {
  for (const depth of [0.2, 0.3, 0.4]) {
    const image = paper(100);
    paint(image, [10, 11, 12, 22, 23, 24], 8, 32, 0);
    for (const y of [8, 9, 29, 30]) paint(image, [13, 14, 15, 16, 17, 18, 19, 20, 21], y, y + 1, 0);
    paint(image, [40, 41, 42], 8, 32, 0);
    blot(image, 70, 20, 5, 9, depth);
    const map = findInk(image)!;
    assert.deepEqual(withFaintDigits(map, map.components).pieces, map.components, `depth ${depth}`);
  }
});

Deno.test("two bold 1s joined by faint ink stay two pieces", () => {
  const image = paper(80);
  paint(image, [20, 21, 22], 8, 32, 0);
  paint(image, [36, 37, 38], 8, 32, 0);
  for (let y = 14; y < 26; y++) {
    paint(image, [23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35], y, y + 1, 0.8);
  }
  const map = findInk(image)!;
  const found = withFaintDigits(map, map.components);
  assert.equal(found.pieces.length, 2);
  assert.deepEqual(found.pieces, map.components);
});
