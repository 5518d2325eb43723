import assert from "node:assert/strict";
import { CANVAS_SIDE, DrawingCanvas } from "./canvas.ts";

const at = (canvas: DrawingCanvas, x: number, y: number) =>
  canvas.ink[Math.floor(y) * CANVAS_SIDE + Math.floor(x)];

Deno.test("a stroke leaves full ink along its path and a soft rim, nothing far away", () => {
  const canvas = new DrawingCanvas();
  assert.equal(canvas.blank, true);
  canvas.stroke([{ x: 20, y: 56 }, { x: 90, y: 56 }]);
  assert.equal(canvas.blank, false);
  for (let x = 20; x <= 90; x += 5) assert.equal(at(canvas, x, 56), 1, `ink at x=${x}`);
  // Across the stroke: solid core, then values strictly between 0 and 1, then nothing.
  const across = Array.from({ length: 10 }, (_, d) => at(canvas, 55, 56 + d));
  assert.equal(across[0], 1);
  assert.ok(across.some((v) => v > 0 && v < 1), `soft edge: ${across}`);
  assert.equal(across[9], 0);
  assert.equal(at(canvas, 55, 20), 0);
});

Deno.test("a fast stroke is continuous: points far apart are joined", () => {
  const canvas = new DrawingCanvas();
  canvas.beginStroke({ x: 10, y: 10 });
  canvas.strokeTo({ x: 100, y: 100 });
  canvas.endStroke();
  for (let t = 10; t <= 100; t++) assert.equal(at(canvas, t, t), 1, `gap at ${t}`);
});

Deno.test("the eraser rubs ink out; clear and undo restore in order", () => {
  const canvas = new DrawingCanvas();
  canvas.stroke([{ x: 20, y: 56 }, { x: 90, y: 56 }]);
  const drawn = canvas.ink.slice();
  canvas.beginStroke({ x: 56, y: 40 }, true);
  canvas.strokeTo({ x: 56, y: 70 });
  canvas.endStroke();
  assert.equal(at(canvas, 56, 56), 0);
  assert.equal(at(canvas, 30, 56), 1);
  canvas.clear();
  assert.equal(canvas.blank, true);
  assert.equal(canvas.undo(), true); // back to the erased line
  assert.equal(at(canvas, 56, 56), 0);
  assert.equal(canvas.undo(), true); // back before the eraser
  assert.deepEqual(canvas.ink, drawn);
  assert.equal(canvas.undo(), true); // before the first stroke
  assert.equal(canvas.blank, true);
  assert.equal(canvas.undo(), false);
});

Deno.test("every change bumps the version", () => {
  const canvas = new DrawingCanvas();
  const v0 = canvas.version;
  canvas.beginStroke({ x: 5, y: 5 });
  const v1 = canvas.version;
  canvas.strokeTo({ x: 30, y: 5 });
  assert.ok(v0 < v1 && v1 < canvas.version);
});

Deno.test("downsampling keeps the ink's mean at any display size", () => {
  const canvas = new DrawingCanvas();
  canvas.stroke([{ x: 30, y: 20 }, { x: 80, y: 90 }, { x: 20, y: 100 }]);
  const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
  for (const side of [28, 36, 40, 88, 112]) {
    const small = canvas.downsample(side);
    assert.equal(small.length, side * side);
    assert.ok(Math.abs(mean(small) - mean(canvas.ink)) < 1e-4, `side ${side}`);
  }
});

Deno.test("a clone changes on its own: the original keeps its ink and its undo history", () => {
  const canvas = new DrawingCanvas();
  canvas.stroke([{ x: 20, y: 56 }, { x: 90, y: 56 }]);
  const before = canvas.ink.slice();
  const copy = canvas.clone();
  copy.stroke([{ x: 56, y: 10 }, { x: 56, y: 100 }]);
  copy.undo();
  copy.undo();
  assert.equal(copy.blank, true);
  assert.deepEqual(canvas.ink, before);
  assert.equal(canvas.undo(), true);
  assert.equal(canvas.blank, true);
});
