import assert from "node:assert/strict";
import { type Component, labelComponents, selectDigitComponents } from "./components.ts";

function grid(rows: string[]): { ink: Float32Array; width: number; height: number } {
  const width = rows[0].length, height = rows.length;
  const ink = Float32Array.from(rows.join(""), (c) => (c === "#" ? 1 : 0));
  return { ink, width, height };
}

Deno.test("components are 8-connected, with area, mass and bounds", () => {
  const { ink, width, height } = grid([
    "#....##",
    ".#...##",
    "..#....",
    ".......",
    "#......",
  ]);
  const { labels, components } = labelComponents(ink, width, height, 0.5);
  assert.equal(components.length, 3); // the diagonal is one piece
  const [diagonal, square, dot] = components;
  assert.deepEqual([diagonal.area, diagonal.x0, diagonal.y0, diagonal.x1, diagonal.y1], [
    3,
    0,
    0,
    2,
    2,
  ]);
  assert.deepEqual([square.area, square.mass, square.x0, square.x1], [4, 4, 5, 6]);
  assert.equal(dot.area, 1);
  assert.equal(labels[0], labels[2 * width + 2]);
  assert.equal(labels[3 * width], 0);
});

function component(
  label: number,
  mass: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
): Component {
  return { label, area: mass, mass, peak: 1, x0, y0, x1, y1 };
}

Deno.test("the digit keeps its separate strokes and drops specks", () => {
  const stem = component(1, 100, 50, 0, 60, 100); // main stroke, 100 tall
  const bar = component(2, 30, 10, 20, 45, 30); // a second stroke 5 px away: kept
  const dotNear = component(3, 1, 62, 50, 63, 51); // a tiny dot touching the digit: dropped
  const blobFar = component(4, 10, 300, 300, 305, 305); // far away: dropped
  const piece = component(5, 6, 0, 100, 5, 110); // small but near the grown box: kept
  const kept = selectDigitComponents([dotNear, blobFar, bar, stem, piece]).map((c) => c.label);
  assert.deepEqual(kept.sort(), [1, 2, 5]);
  assert.deepEqual(selectDigitComponents([]), []);
});
