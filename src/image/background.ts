import { histogram, percentile } from "./histogram.ts";
import { boxBlur, maxFilter, minFilter } from "./morphology.ts";
import { resampleRegion, resize } from "./resample.ts";

/** Images up to this size are canvases or scans: clean enough for one background level. */
const UNIFORM_BACKGROUND_MAX_SIDE = 64;
/** A border whose 2nd to 98th percentiles lie this close is a clean digital background. */
const FLAT_BORDER_RANGE = 0.03;
/** The background is estimated on a copy whose shorter side is about this many pixels. */
const BACKGROUND_SHORT_SIDE = 64;

/**
 * Estimates the paper's brightness under each pixel of `paper` ([height x width], dark ink on
 * light paper), so that uneven lighting, shadows and vignetting can be divided out. On a
 * downscaled copy (cheap, and averaging away noise), a morphological closing with a window a
 * quarter of the image wide fills in the strokes (dark details narrower than the window) and
 * keeps the slow light changes; a box blur smooths the result, which is scaled back up.
 * Small images and images with a flat border (drawing apps, clean scans) get one level: the
 * median of their border.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { estimateBackground } from "./background.ts";
 *
 * // 8x8 gray paper (0.8) with a dark stroke (0.2) down column 3.
 * const width = 8, height = 8;
 * const paper = new Float32Array(width * height).fill(0.8);
 * for (let y = 2; y < 6; y++) paper[y * width + 3] = 0.2;
 * const background = estimateBackground(paper, width, height);
 * assert.ok(Math.abs(background[3 * width + 3] - 0.8) < 0.01); // the paper under the stroke
 * ```
 */
export function estimateBackground(
  paper: Float32Array,
  width: number,
  height: number,
): Float32Array {
  const border = histogram(borderPixels(paper, width, height));
  const flat = percentile(border, 0.98) - percentile(border, 0.02) <= FLAT_BORDER_RANGE;
  if (flat || Math.max(width, height) <= UNIFORM_BACKGROUND_MAX_SIDE) {
    // Nothing to correct, and a closing would eat strokes as wide as its window (a fat
    // brush on a small canvas).
    return new Float32Array(width * height).fill(percentile(border, 0.5));
  }
  const factor = Math.max(1, Math.min(width, height) / BACKGROUND_SHORT_SIDE);
  const smallWidth = Math.max(1, Math.round(width / factor));
  const smallHeight = Math.max(1, Math.round(height / factor));
  const small = resize(paper, width, height, smallWidth, smallHeight);
  const radius = Math.max(2, Math.round(Math.min(smallWidth, smallHeight) / 8));
  // A window clipped at an edge sees only the inside: on the dark side of a lighting ramp
  // the closing comes out too bright within `radius` of the edge (a false stroke along it).
  // Further in it is exact, so the edge bands continue the straight trend of the next band.
  const closed = minFilter(
    maxFilter(small, smallWidth, smallHeight, radius),
    smallWidth,
    smallHeight,
    radius,
  );
  extrapolateEdges(closed, smallWidth, smallHeight, radius);
  // The ink is gone now: point-reflected padding keeps the blur exact on ramps too.
  const pad = radius;
  const smooth = boxBlur(
    padByPointReflection(closed, smallWidth, smallHeight, pad),
    smallWidth + 2 * pad,
    smallHeight + 2 * pad,
    radius,
  );
  const region = { x: pad, y: pad, width: smallWidth, height: smallHeight };
  return resampleRegion(smooth, smallWidth + 2 * pad, smallHeight + 2 * pad, region, width, height);
}

/**
 * Replaces the `band` pixels nearest each edge, in place, by the least-squares parabola
 * through the next `3 * band` pixels of the same row (left, right) or column (top, bottom):
 * exact for lighting ramps and for the roughly parabolic fall-off of a lens vignette.
 */
function extrapolateEdges(pixels: Float32Array, width: number, height: number, band: number) {
  const line = (length: number, at: (i: number) => number, set: (i: number, v: number) => void) => {
    if (length < 5 * band) return;
    for (
      const [fitFrom, fitTo, fixFrom, fixTo] of [
        [band, 4 * band, 0, band],
        [length - 4 * band, length - band, length - band, length],
      ]
    ) {
      const [a, b, c] = fitParabola(fitFrom, fitTo, at);
      for (let i = fixFrom; i < fixTo; i++) set(i, a + b * i + c * i * i);
    }
  };
  for (let y = 0; y < height; y++) {
    line(width, (x) => pixels[y * width + x], (x, v) => (pixels[y * width + x] = v));
  }
  for (let x = 0; x < width; x++) {
    line(height, (y) => pixels[y * width + x], (y, v) => (pixels[y * width + x] = v));
  }
}

/** Least-squares [a, b, c] of v = a + b i + c i^2 over samples from..to-1 (normal equations). */
function fitParabola(
  from: number,
  to: number,
  at: (i: number) => number,
): [number, number, number] {
  // Centre i for a well-conditioned system; shift back at the end.
  const mid = (from + to - 1) / 2;
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, t0 = 0, t1 = 0, t2 = 0;
  for (let i = from; i < to; i++) {
    const u = i - mid, v = at(i);
    s0++, s1 += u, s2 += u * u, s3 += u * u * u, s4 += u * u * u * u;
    t0 += v, t1 += u * v, t2 += u * u * v;
  }
  // Solve [[s0 s1 s2] [s1 s2 s3] [s2 s3 s4]] [a b c] = [t0 t1 t2] by Cramer's rule.
  const det3 = (m: number[]) =>
    m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) +
    m[2] * (m[3] * m[7] - m[4] * m[6]);
  const d = det3([s0, s1, s2, s1, s2, s3, s2, s3, s4]);
  const a = det3([t0, s1, s2, t1, s2, s3, t2, s3, s4]) / d;
  const b = det3([s0, t0, s2, s1, t1, s3, s2, t2, s4]) / d;
  const c = det3([s0, s1, t0, s1, s2, t1, s2, s3, t2]) / d;
  // a + b u + c u^2 with u = i - mid.
  return [a - b * mid + c * mid * mid, b - 2 * c * mid, c];
}

/**
 * Extends a grid by `pad` pixels on each side with values mirrored through the edge pixel
 * (v[-k] = 2 v[0] - v[k]), rows then columns, so a linear ramp continues as the same ramp.
 */
function padByPointReflection(
  pixels: Float32Array,
  width: number,
  height: number,
  pad: number,
): Float32Array {
  const outWidth = width + 2 * pad, outHeight = height + 2 * pad;
  const out = new Float32Array(outWidth * outHeight);
  for (let y = 0; y < height; y++) {
    const row = (y + pad) * outWidth;
    for (let x = -pad; x < width + pad; x++) {
      out[row + x + pad] = reflected(x, width, (k) => pixels[y * width + k]);
    }
  }
  for (let x = 0; x < outWidth; x++) {
    for (let y = -pad; y < 0; y++) {
      out[(y + pad) * outWidth + x] = reflected(y, height, (k) => out[(k + pad) * outWidth + x]);
    }
    for (let y = height; y < height + pad; y++) {
      out[(y + pad) * outWidth + x] = reflected(y, height, (k) => out[(k + pad) * outWidth + x]);
    }
  }
  return out;
}

/** Value at index k of a line of n values, point-reflected through the end beyond it. */
function reflected(k: number, n: number, at: (i: number) => number): number {
  if (k < 0) return 2 * at(0) - at(Math.min(n - 1, -k));
  if (k >= n) return 2 * at(n - 1) - at(Math.max(0, 2 * (n - 1) - k));
  return at(k);
}

/**
 * Ink strength of each pixel: how much darker it is than the paper under it, as a fraction
 * of the paper's brightness (light falls on ink and paper alike, so the ratio is what stays
 * constant across a shadow). 0 = paper, 1 = black; pixels brighter than the estimate are
 * negative (down to -1), which keeps the paper's noise measurable.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { inkStrength } from "./background.ts";
 *
 * const paper = new Float32Array([0.8, 0.2, 1.0]); // paper, a stroke, a bright spot
 * const ink = inkStrength(paper, new Float32Array([0.8, 0.8, 0.8]));
 * assert.deepEqual(Array.from(ink, (v) => Number(v.toFixed(2))), [0, 0.75, -0.25]);
 * ```
 */
export function inkStrength(paper: Float32Array, background: Float32Array): Float32Array {
  const ink = new Float32Array(paper.length);
  for (let i = 0; i < paper.length; i++) {
    const b = Math.max(background[i], 0.02);
    ink[i] = Math.min(1, Math.max(-1, (b - paper[i]) / b));
  }
  return ink;
}

/** The outermost ring of pixels. */
function borderPixels(pixels: Float32Array, width: number, height: number): Float32Array {
  const border: number[] = [];
  for (let x = 0; x < width; x++) border.push(pixels[x], pixels[(height - 1) * width + x]);
  for (let y = 1; y < height - 1; y++) {
    border.push(pixels[y * width], pixels[y * width + width - 1]);
  }
  return Float32Array.from(border);
}
