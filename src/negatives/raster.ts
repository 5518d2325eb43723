/**
 * Drawing for the negatives: pen strokes rasterized with anti-aliased round caps, and the step
 * that turns a map of ink into a picture a user might hand us (paper, lighting, noise, either
 * polarity).
 */
import type { GrayImage } from "../image/mod.ts";
import type { Random } from "../network/random.ts";

/** A pen stroke: points [x0, y0, x1, y1, ...] in pixels, joined by straight segments. */
export type Polyline = number[];

/** A map of ink coverage: [height x width], 0 = paper, 1 = full ink. */
export interface InkMap {
  width: number;
  height: number;
  ink: Float32Array;
}

/**
 * Draws `lines` with a round pen of `radius` pixels into `ink` (coverage kept as the max over
 * strokes, so crossings do not darken). A polyline of one point is a dot.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { strokePolylines } from "./raster.ts";
 *
 * const ink = new Float32Array(20 * 20);
 * strokePolylines(ink, 20, 20, [[2, 10, 17, 10]], 1.5);
 * assert.equal(ink[10 * 20 + 10], 1); // on the stroke
 * assert.equal(ink[2 * 20 + 10], 0); // far from it
 * ```
 */
export function strokePolylines(
  ink: Float32Array,
  width: number,
  height: number,
  lines: readonly Polyline[],
  radius: number,
): void {
  for (const line of lines) {
    if (line.length === 2) {
      stampSegment(ink, width, height, line[0], line[1], line[0], line[1], radius);
    }
    for (let i = 0; i + 3 < line.length; i += 2) {
      stampSegment(ink, width, height, line[i], line[i + 1], line[i + 2], line[i + 3], radius);
    }
  }
}

/**
 * Fills the polygon `outline` (even-odd rule, sampled at pixel centres) with full ink; the
 * edge's softness comes from stroking the outline after.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fillPolygon } from "./raster.ts";
 *
 * const ink = new Float32Array(10 * 10);
 * fillPolygon(ink, 10, 10, [2, 2, 8, 2, 8, 8, 2, 8]);
 * assert.deepEqual([ink[5 * 10 + 5], ink[0]], [1, 0]);
 * ```
 */
export function fillPolygon(ink: Float32Array, width: number, height: number, outline: Polyline) {
  const n = outline.length / 2;
  const crossings: number[] = [];
  for (let y = 0; y < height; y++) {
    const cy = y + 0.5;
    crossings.length = 0;
    for (let i = 0; i < n; i++) {
      const x0 = outline[2 * i], y0 = outline[2 * i + 1];
      const x1 = outline[(2 * i + 2) % (2 * n)], y1 = outline[(2 * i + 3) % (2 * n)];
      if ((y0 <= cy) !== (y1 <= cy)) crossings.push(x0 + ((cy - y0) * (x1 - x0)) / (y1 - y0));
    }
    crossings.sort((a, b) => a - b);
    for (let k = 0; k + 1 < crossings.length; k += 2) {
      const from = Math.max(0, Math.ceil(crossings[k] - 0.5));
      const to = Math.min(width - 1, Math.floor(crossings[k + 1] - 0.5));
      for (let x = from; x <= to; x++) ink[y * width + x] = 1;
    }
  }
}

/** Coverage of a capsule (segment a-b widened by `radius`): 1 inside, a 1-px ramp at its edge. */
function stampSegment(
  ink: Float32Array,
  width: number,
  height: number,
  ax: number,
  ay: number,
  bx: number,
  by: number,
  radius: number,
): void {
  const reach = radius + 1;
  const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - reach));
  const x1 = Math.min(width - 1, Math.ceil(Math.max(ax, bx) + reach));
  const y0 = Math.max(0, Math.floor(Math.min(ay, by) - reach));
  const y1 = Math.min(height - 1, Math.ceil(Math.max(ay, by) + reach));
  const dx = bx - ax, dy = by - ay;
  const length2 = dx * dx + dy * dy;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      // Distance from the pixel centre to the nearest point of the segment.
      const px = x + 0.5 - ax, py = y + 0.5 - ay;
      const t = length2 === 0 ? 0 : Math.min(1, Math.max(0, (px * dx + py * dy) / length2));
      const ex = px - t * dx, ey = py - t * dy;
      const coverage = radius + 0.5 - Math.sqrt(ex * ex + ey * ey);
      if (coverage <= 0) continue;
      const i = y * width + x;
      const value = coverage >= 1 ? 1 : coverage;
      if (value > ink[i]) ink[i] = value;
    }
  }
}

/**
 * Turns ink coverage into a picture as someone might hand it in: a Draw canvas (clean, either
 * polarity) about a third of the time, else a photo of paper (grey paper, darker or lighter
 * ink, a lighting gradient, a little blur and sensor noise; one in five light on dark, like
 * chalk). Returns luminance 0..1 (0 = black).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Random } from "../network/random.ts";
 * import { photograph } from "./raster.ts";
 *
 * const picture = photograph({ width: 4, height: 4, ink: new Float32Array(16) }, new Random(1));
 * assert.equal(picture.luminance.length, 16);
 * ```
 */
export function photograph(map: InkMap, rng: Random): GrayImage {
  const { width, height } = map;
  const n = width * height;
  const luminance = new Float32Array(n);
  if (rng.next() < 0.35) {
    // A drawing canvas: the app's Draw screen is ink 1 on 0; other apps draw black on white.
    const bright = rng.next() < 0.5;
    for (let i = 0; i < n; i++) luminance[i] = bright ? map.ink[i] : 1 - map.ink[i];
    return { width, height, luminance };
  }
  const ink = rng.next() < 0.5 ? boxBlur(map.ink, width, height) : map.ink;
  const lightOnDark = rng.next() < 0.2;
  const paper = lightOnDark ? rng.uniform(0.05, 0.35) : rng.uniform(0.6, 1);
  const contrast = rng.uniform(0.3, 0.85) * (lightOnDark ? 1 - paper : paper);
  const inkLevel = lightOnDark ? paper + contrast : paper - contrast;
  // Lighting: a linear ramp across the picture, up to +-12% of the paper's brightness.
  const gx = rng.uniform(-0.12, 0.12) / width, gy = rng.uniform(-0.12, 0.12) / height;
  const noise = rng.uniform(0, 0.03);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const light = 1 + gx * (x - width / 2) + gy * (y - height / 2);
      const value = (paper + (inkLevel - paper) * ink[i]) * light + noise * rng.gaussian();
      luminance[i] = value < 0 ? 0 : value > 1 ? 1 : value;
    }
  }
  return { width, height, luminance };
}

/** A 3x3 box blur (edges clamped): the softness of a photographed stroke. */
function boxBlur(ink: Float32Array, width: number, height: number): Float32Array {
  const out = new Float32Array(ink.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = Math.min(height - 1, Math.max(0, y + dy));
        for (let dx = -1; dx <= 1; dx++) {
          sum += ink[yy * width + Math.min(width - 1, Math.max(0, x + dx))];
        }
      }
      out[y * width + x] = sum / 9;
    }
  }
  return out;
}

/**
 * Bends a drawing like a hand would: every point moved by a smooth random field (two slow
 * waves per axis) of up to `amplitude` of the picture's size, resampled bilinearly. Clean
 * vector art (an icon, a font's letter) comes out as if traced by a person.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Random } from "../network/random.ts";
 * import { handWobble } from "./raster.ts";
 *
 * const ink = new Float32Array(32 * 32);
 * for (let x = 4; x < 28; x++) ink[16 * 32 + x] = 1; // a straight line
 * const bent = handWobble({ width: 32, height: 32, ink }, new Random(1), 0.05);
 * assert.notDeepEqual(bent.ink, ink);
 * ```
 */
export function handWobble(map: InkMap, rng: Random, amplitude: number): InkMap {
  const { width, height, ink } = map;
  const size = Math.max(width, height), reach = amplitude * size;
  const waves = Array.from({ length: 4 }, () => ({
    frequency: (2 * Math.PI * rng.uniform(0.5, 2)) / size,
    phase: rng.uniform(0, 2 * Math.PI),
    strength: reach * rng.uniform(0.3, 0.7),
  }));
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // x moves with y's wave and x's, y likewise: a smooth shear-and-bend field.
      const sx = x + waves[0].strength * Math.sin(waves[0].frequency * y + waves[0].phase) +
        waves[1].strength * Math.sin(waves[1].frequency * x + waves[1].phase);
      const sy = y + waves[2].strength * Math.sin(waves[2].frequency * x + waves[2].phase) +
        waves[3].strength * Math.sin(waves[3].frequency * y + waves[3].phase);
      const x0 = Math.floor(sx), y0 = Math.floor(sy), fx = sx - x0, fy = sy - y0;
      if (x0 < 0 || y0 < 0 || x0 + 1 >= width || y0 + 1 >= height) continue;
      const i = y0 * width + x0;
      const top = ink[i] + fx * (ink[i + 1] - ink[i]);
      const bottom = ink[i + width] + fx * (ink[i + width + 1] - ink[i + width]);
      out[y * width + x] = top + fy * (bottom - top);
    }
  }
  return { width, height, ink: out };
}

/**
 * Bilinear upscale of a small ink map (a 28x28 MNIST digit) to `size` x `size`: the digit as a
 * user's bigger picture would hold it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { enlarge } from "./raster.ts";
 *
 * const big = enlarge(new Float32Array(4).fill(1), 2, 2, 8);
 * assert.deepEqual([big.width, big.height, big.ink[27]], [8, 8, 1]);
 * ```
 */
export function enlarge(ink: Float32Array, width: number, height: number, size: number): InkMap {
  const scale = Math.max(width, height) / size;
  const out = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    const sy = Math.min(height - 1, Math.max(0, (y + 0.5) * scale - 0.5));
    const y0 = Math.floor(sy), y1 = Math.min(height - 1, y0 + 1), fy = sy - y0;
    for (let x = 0; x < size; x++) {
      const sx = Math.min(width - 1, Math.max(0, (x + 0.5) * scale - 0.5));
      const x0 = Math.floor(sx), x1 = Math.min(width - 1, x0 + 1), fx = sx - x0;
      const top = ink[y0 * width + x0] + fx * (ink[y0 * width + x1] - ink[y0 * width + x0]);
      const bottom = ink[y1 * width + x0] + fx * (ink[y1 * width + x1] - ink[y1 * width + x0]);
      out[y * size + x] = top + fy * (bottom - top);
    }
  }
  return { width: size, height: size, ink: out };
}
