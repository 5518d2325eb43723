import assert from "node:assert/strict";
import { estimateBackground, inkStrength } from "./background.ts";

Deno.test("ink strength is the same under bright and dim light, and paper is zero", () => {
  // Ink at 20% of the paper's brightness, in vertical bars, under a 3x lighting ramp.
  const width = 400, height = 300;
  const paper = new Float32Array(width * height);
  const isInk = (x: number, y: number) => x % 80 >= 30 && x % 80 < 38 && y > 50 && y < 250;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const light = 0.3 + 0.6 * (x / width);
      paper[y * width + x] = light * (isInk(x, y) ? 0.2 : 1);
    }
  }
  const ink = inkStrength(paper, estimateBackground(paper, width, height));
  for (let y = 10; y < height - 10; y += 7) {
    for (let x = 10; x < width - 10; x += 3) {
      const v = ink[y * width + x];
      if (isInk(x, y)) assert.ok(Math.abs(v - 0.8) < 0.06, `ink at (${x}, ${y}): ${v}`);
      else assert.ok(Math.abs(v) < 0.06, `paper at (${x}, ${y}): ${v}`);
    }
  }
});

Deno.test("a clean digital background is one level, whatever the stroke width", () => {
  const width = 200, height = 200;
  // A bar 90 px wide, far wider than the closing window would handle.
  const paper = Float32Array.from({ length: width * height }, (_, i) => {
    const x = i % width, y = Math.floor(i / width);
    return Math.abs(x - 100) < 45 && y > 20 && y < 180 ? 0 : 1;
  });
  const background = estimateBackground(paper, width, height);
  assert.ok(background.every((v) => Math.abs(v - 1) < 1e-3));
});
