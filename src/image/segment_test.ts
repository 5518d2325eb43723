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
  const { rows } = segmentNumber(five);
  assert.equal(rows.length, 1);
  // One group (it may be offered in slices too, 0.6 row heights wide): never a gap between
  // separate digits inside, and one candidate holds it all, bar included.
  assert.ok(rows[0].candidates.every((c) => c.gaps === 0));
  const whole = rows[0].candidates.find((c) => c.from === 0 && c.to === rows[0].atoms);
  assert.deepEqual(whole?.box, [26, 10, 32, 53]);
});

Deno.test("digits apart come left to right; specks are left out", () => {
  const image = paper(200, 80, [
    [150, 15, 5, 50], // a 1 on the right
    [30, 15, 5, 50], // a 1 on the left
    [90, 15, 5, 50],
    [60, 70, 2, 2], // dust
  ]);
  const { rows } = segmentNumber(image);
  const singles = rows[0].candidates.filter((c) => c.to === c.from + 1);
  assert.deepEqual(singles.map((d) => d.box[0]), [30, 90, 150]);
  for (const d of singles) assert.equal(d.pixels.length, 784);
});

Deno.test("a blank page has no digits and says so", () => {
  const { rows, reason } = segmentNumber(paper(100, 60, []));
  assert.equal(rows.length, 0);
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
  const { rows } = segmentNumber(image);
  const [row] = rows;
  assert.ok(row.atoms >= 2, "cuts are offered");
  const whole = row.candidates.find((c) => c.from === 0 && c.to === row.atoms);
  assert.ok(whole, "the piece whole is offered too");
  // Some pair of candidates covers the row in two, meeting near the touch (x 54..66).
  const halves = row.candidates.filter((c) => c.from === 0 && c.to < row.atoms).filter((left) =>
    row.candidates.some((right) => right.from === left.to && right.to === row.atoms) &&
    Math.abs(left.box[0] + left.box[2] - 60) <= 8
  );
  assert.ok(halves.length >= 1, "a cut into two at the touch is offered");
});

Deno.test("rows are found top to bottom; an underline-like dash beside the digits is left out", () => {
  const image = paper(200, 200, [
    [30, 20, 5, 50], // row 1: 1 1
    [90, 20, 5, 50],
    [30, 120, 5, 50], // row 2: - 1 1 1
    [5, 143, 14, 4], // the dash
    [90, 120, 5, 50],
    [150, 120, 5, 50],
  ]);
  const { rows } = segmentNumber(image);
  assert.equal(rows.length, 2);
  assert.equal(rows[0].atoms, 2);
  assert.equal(rows[1].atoms, 3);
  assert.ok(rows[1].candidates.every((c) => c.box[0] >= 30), "the dash is no candidate");
});

Deno.test("a black margin along the edge is not read: the digits on the paper beside it are", () => {
  const image = paper(120, 80, [[0, 0, 30, 80], [60, 15, 5, 50], [90, 15, 5, 50]]);
  const { rows } = segmentNumber(image);
  assert.equal(rows.length, 1);
  assert.deepEqual(
    rows[0].candidates.filter((c) => c.to === c.from + 1).map((c) => c.box[0]),
    [60, 90],
  );
});

/** Draws a stroke `thickness` pixels wide from (x0, y0) to (x1, y1) in dark ink. */
function stroke(image: GrayImage, [x0, y0, x1, y1]: number[], thickness = 4): void {
  const steps = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0)) * 2;
  for (let s = 0; s <= steps; s++) {
    const cx = x0 + ((x1 - x0) * s) / steps, cy = y0 + ((y1 - y0) * s) / steps;
    for (let dy = 0; dy < thickness; dy++) {
      for (let dx = 0; dx < thickness; dx++) {
        image.luminance[Math.round(cy + dy) * image.width + Math.round(cx + dx)] = 0.1;
      }
    }
  }
}

/** How many separate pieces of ink (8-connected, above 0.3) a 28x28 holds. */
function piecesIn(pixels: Float32Array): number {
  const seen = new Uint8Array(784);
  let pieces = 0;
  for (let start = 0; start < 784; start++) {
    if (seen[start] || pixels[start] <= 0.3) continue;
    pieces++;
    const stack = [start];
    seen[start] = 1;
    while (stack.length > 0) {
      const i = stack.pop()!, x = i % 28, y = Math.floor(i / 28);
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx, ny = y + dy, j = ny * 28 + nx;
          if (nx < 0 || ny < 0 || nx >= 28 || ny >= 28 || seen[j] || pixels[j] <= 0.3) continue;
          seen[j] = 1;
          stack.push(j);
        }
      }
    }
  }
  return pieces;
}

Deno.test("two leaning digits that overlap are cut round their strokes, not straight down", () => {
  // Two "1"s leaning right, the second's foot under the first's top, joined at the foot: no
  // column between them is empty, so a straight cut would take a piece of one into the other.
  const image = paper(120, 90, []);
  stroke(image, [30, 60, 48, 20]);
  stroke(image, [46, 60, 64, 20]);
  stroke(image, [30, 60, 48, 60]); // the feet touch
  const { rows } = segmentNumber(image);
  assert.equal(rows.length, 1);
  const singles = rows[0].candidates.filter((c) => c.to - c.from === 1);
  const pair = singles.find((c, i) => c.cutStrokes > 0 && i > 0);
  assert.ok(pair !== undefined, "a cut is offered");
  const left = singles.find((c) => c.to === pair.from)!;
  // Each side of the cut is one stroke (a straight cut leaves a bit of the other digit).
  assert.equal(piecesIn(left.pixels), 1);
  assert.equal(piecesIn(pair.pixels), 1);
});

Deno.test("a digit written well below its neighbour is still in its row", () => {
  // Two bars 40 tall, the second 30 lower and to the right: one row of two (their heights
  // overlap by a quarter; rows of a form stack in the same columns).
  const { rows } = segmentNumber(paper(160, 110, [[40, 10, 5, 40], [100, 40, 5, 40]]));
  assert.equal(rows.length, 1);
  assert.equal(rows[0].atoms, 2);
});

Deno.test("a short narrow stroke beside the digits is a tick, not a 1; a full-height 1 stays", () => {
  const image = paper(220, 80, [
    [30, 15, 5, 50], // a 1
    [90, 15, 5, 50], // another
    [150, 20, 4, 20], // a stub 0.4 of their height: a rule's broken end, an apostrophe
  ]);
  const { rows } = segmentNumber(image);
  const singles = rows[0].candidates.filter((c) => c.to === c.from + 1);
  assert.deepEqual(singles.map((d) => d.box[0]), [30, 90]);
  // At 0.6 of their height it is a short 1, still read.
  const taller = segmentNumber(
    paper(220, 80, [[30, 15, 5, 50], [90, 15, 5, 50], [150, 20, 4, 30]]),
  );
  assert.equal(taller.rows[0].atoms, 3);
});
