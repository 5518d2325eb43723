import assert from "node:assert/strict";
import { centerOfMass, fitInBox, inkBounds, placeByCenterOfMass } from "./center_of_mass.ts";

function grid(width: number, height: number, f: (x: number, y: number) => number) {
  const pixels = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels[y * width + x] = f(x, y);
  return { width, height, pixels };
}

Deno.test("centre of mass is the ink-weighted mean position in index coordinates", () => {
  const g = grid(5, 3, (x, y) => (x === 4 && y === 2 ? 3 : x === 0 && y === 0 ? 1 : 0));
  assert.deepEqual(centerOfMass(g), { x: 3, y: 1.5, mass: 4 });
  assert.equal(centerOfMass(grid(4, 4, () => 0)).mass, 0);
});

Deno.test("fitInBox scales the longer side to 20 keeping the aspect ratio", () => {
  // A 60x30 solid bar in a 100x100 image becomes 20x10, still solid.
  const bar = grid(100, 100, (x, y) => (x >= 20 && x < 80 && y >= 40 && y < 70 ? 1 : 0));
  const fitted = fitInBox(bar);
  assert.deepEqual([fitted.width, fitted.height], [20, 10]);
  assert.ok(fitted.pixels.every((v) => Math.abs(v - 1) < 1e-5));
  // Small ink grows: a 5x10 bar becomes 10x20.
  const small = fitInBox(grid(28, 28, (x, y) => (x >= 3 && x < 8 && y >= 2 && y < 12 ? 1 : 0)));
  assert.deepEqual([small.width, small.height], [10, 20]);
  assert.deepEqual(inkBounds({ ...small }), { x: 0, y: 0, width: 10, height: 20 });
});

Deno.test("placement puts the centre of mass within half a pixel of (14, 14), never cutting ink", () => {
  // An L shape: heavy at the bottom-left.
  const digit = grid(20, 20, (x, y) => (x < 4 || y >= 16 ? 1 : 0));
  const placed = placeByCenterOfMass(digit);
  const com = centerOfMass(placed);
  assert.ok(Math.abs(com.x - 14) <= 0.5 && Math.abs(com.y - 14) <= 0.5, `${com.x}, ${com.y}`);
  assert.equal(placed.pixels.reduce((a, b) => a + b, 0), digit.pixels.reduce((a, b) => a + b, 0));
  // A lopsided 20-wide digit whose mass sits at its far left: the shift is clamped at 0..8.
  const lopsided = grid(20, 10, (x) => (x < 2 ? 10 : x === 19 ? 1 : 0));
  const clamped = placeByCenterOfMass(lopsided);
  assert.equal(
    clamped.pixels.reduce((a, b) => a + b, 0),
    lopsided.pixels.reduce((a, b) => a + b, 0),
  );
  assert.equal(inkBounds(clamped)!.x, 8);
});
