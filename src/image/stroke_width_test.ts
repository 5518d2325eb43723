import assert from "node:assert/strict";
import { strokeWidth, thickenStrokes, thinStrokes } from "./stroke_width.ts";

/** An anti-aliased straight stroke of width `w` at `angle` through the centre of a grid. */
function stroke(size: number, w: number, angle: number): Float32Array {
  const pixels = new Float32Array(size * size);
  const nx = -Math.sin(angle), ny = Math.cos(angle);
  const half = size * 0.35; // stroke length 0.7 size
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const dx = x + 0.5 - size / 2, dy = y + 0.5 - size / 2;
      const across = Math.abs(dx * nx + dy * ny);
      const along = Math.abs(dx * ny - dy * nx);
      if (along <= half) pixels[y * size + x] = Math.min(1, Math.max(0, w / 2 + 0.5 - across));
    }
  }
  return pixels;
}

Deno.test("strokeWidth measures curved strokes within 10%, straight ones within their bias", () => {
  // A ring crosses pixel edges in every direction, like handwriting.
  for (const w of [2, 3, 6, 10]) {
    const size = 160;
    const ring = new Float32Array(size * size);
    for (let i = 0; i < ring.length; i++) {
      const r = Math.hypot((i % size) + 0.5 - size / 2, Math.floor(i / size) + 0.5 - size / 2);
      ring[i] = Math.min(1, Math.max(0, w / 2 + 0.5 - Math.abs(r - 50)));
    }
    const measured = strokeWidth(ring, size, size);
    assert.ok(Math.abs(measured / w - 1) < 0.1, `ring w=${w}: ${measured}`);
  }
  // A straight stroke crosses |cos| + |sin| pixel edges per unit length instead of the 4/pi
  // average: read 27% wide when axis-aligned, 10% narrow at 45 degrees.
  for (const w of [2, 4, 8]) {
    for (const angle of [0, 0.3, Math.PI / 4, 1.2]) {
      const bias = 4 / Math.PI / (Math.abs(Math.cos(angle)) + Math.abs(Math.sin(angle)));
      const measured = strokeWidth(stroke(120, w, angle), 120, 120);
      assert.ok(Math.abs(measured / (w * bias) - 1) < 0.12, `w=${w} angle=${angle}: ${measured}`);
    }
  }
  assert.equal(strokeWidth(new Float32Array(16), 4, 4), 0);
});

Deno.test("thickenStrokes and thinStrokes change the width by twice the radius", () => {
  const size = 100;
  const base = stroke(size, 6, 0.4);
  const before = strokeWidth(base, size, size);
  const thick = strokeWidth(thickenStrokes(base, size, size, 3), size, size);
  const thin = strokeWidth(thinStrokes(base, size, size, 1.5), size, size);
  assert.ok(Math.abs(thick - before - 6) < 1.2, `thickened ${before} -> ${thick}`);
  assert.ok(Math.abs(before - thin - 3) < 1, `thinned ${before} -> ${thin}`);
  // Thickening never removes ink; thinning never adds it.
  assert.ok(thickenStrokes(base, size, size, 2).every((v, i) => v >= base[i]));
  assert.ok(thinStrokes(base, size, size, 2).every((v, i) => v <= base[i]));
});
