import type { GrayImage } from "./gray_image.ts";
import { histogram, percentile } from "./histogram.ts";
import { resize } from "./resample.ts";

/** Images up to this size (canvases, MNIST itself) are judged by their border alone. */
const BORDER_ONLY_MAX_SIDE = 64;
/**
 * A border is evenly lit, and the border rule reliable, when its 2nd to 98th percentiles lie
 * within what sensor noise and JPEG artefacts spread (an absolute range) or within a fifth of
 * its brightness (light varies multiplicatively: a dim board at 0.2 varying by 0.1 is lit
 * very unevenly).
 */
const EVEN_BORDER_NOISE = 0.06;
const EVEN_BORDER_LIGHT = 0.2;
/** Unevenly lit images are judged on a copy whose shorter side is about this many pixels. */
const ANALYSIS_SHORT_SIDE = 48;
/** Local background levels are medians over windows this fraction of the image wide... */
const WINDOW_FRACTION = 0.5;
/** ... centred on a GRID x GRID lattice. */
const GRID = 4;

/**
 * Decides whether the ink is darker than the background (pen on paper) or lighter (chalk on
 * a blackboard, a drawing canvas with ink = 1 on 0).
 *
 * The background is what the border mostly is; the ink is what differs from it, and whichever
 * side (darker or lighter) holds more such difference wins. When light falls unevenly (the
 * border itself spans a wide range: a vignette can make it darker than the paper in the
 * middle), each pixel is compared with the median of a large window around it instead.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { grayImage } from "./gray_image.ts";
 * import { inkIsDark } from "./polarity.ts";
 *
 * // A dark stroke on light paper, and a bright stroke on a black canvas (9x9 each).
 * const paper = grayImage(9, 9, new Float32Array(81).fill(0.9));
 * const canvas = grayImage(9, 9);
 * for (let y = 2; y < 7; y++) {
 *   paper.luminance[y * 9 + 4] = 0.1;
 *   canvas.luminance[y * 9 + 4] = 1;
 * }
 * assert.equal(inkIsDark(paper), true);
 * assert.equal(inkIsDark(canvas), false);
 * ```
 */
export function inkIsDark(image: GrayImage): boolean {
  if (Math.max(image.width, image.height) <= BORDER_ONLY_MAX_SIDE) return inkIsDarkByBorder(image);
  const border = histogram(borderPixels(image));
  const range = percentile(border, 0.98) - percentile(border, 0.02);
  if (range <= Math.max(EVEN_BORDER_NOISE, EVEN_BORDER_LIGHT * percentile(border, 0.5))) {
    return inkIsDarkByBorder(image);
  }
  const factor = Math.max(1, Math.min(image.width, image.height) / ANALYSIS_SHORT_SIDE);
  const width = Math.max(1, Math.round(image.width / factor));
  const height = Math.max(1, Math.round(image.height / factor));
  const small = resize(image.luminance, image.width, image.height, width, height);
  const background = localMedians(small, width, height);
  // Judge only the region the window centres span, where the medians interpolate.
  const x0 = Math.floor(width / (2 * GRID)), x1 = Math.ceil(width - width / (2 * GRID));
  const y0 = Math.floor(height / (2 * GRID)), y1 = Math.ceil(height - height / (2 * GRID));
  const residual: number[] = [];
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) residual.push(small[y * width + x] - background(x, y));
  }
  const r = Float32Array.from(residual);
  const h = histogram(r, -1, 1);
  const spread = (percentile(h, 0.75) - percentile(h, 0.25)) / 1.349; // noise sigma
  const decision = heavierSide(r, 0, Math.max(0.05, 4 * spread));
  // Nothing stands out: no ink either way; call the image paper if it is mostly light.
  return decision ?? percentile(histogram(small), 0.5) >= 0.5;
}

/**
 * The brief's rule for clean images: the background is the median of the outer ring; ink is
 * what differs from it by more than the ring's own variation.
 */
function inkIsDarkByBorder(image: GrayImage): boolean {
  const h = histogram(borderPixels(image));
  const background = percentile(h, 0.5);
  const spread = (percentile(h, 0.75) - percentile(h, 0.25)) / 1.349;
  const decision = heavierSide(image.luminance, background, Math.max(0.08, 3 * spread));
  return decision ?? background >= 0.5; // blank: either way
}

/**
 * True if more mass lies below `level - tolerance` than above `level + tolerance`, false if
 * the reverse, undefined if nothing lies beyond either.
 */
function heavierSide(
  values: ArrayLike<number>,
  level: number,
  tolerance: number,
): boolean | undefined {
  let darker = 0, lighter = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < level - tolerance) darker += level - tolerance - v;
    else if (v > level + tolerance) lighter += v - level - tolerance;
  }
  if (darker === 0 && lighter === 0) return undefined;
  return darker >= lighter;
}

/**
 * Medians of overlapping windows (half the image wide and high) on a GRID x GRID lattice,
 * bilinearly interpolated: the level most of the neighbourhood has, whatever the ink's polarity.
 */
function localMedians(
  pixels: Float32Array,
  width: number,
  height: number,
): (x: number, y: number) => number {
  const medians = new Float32Array(GRID * GRID);
  const halfW = (WINDOW_FRACTION * width) / 2, halfH = (WINDOW_FRACTION * height) / 2;
  const centre = (i: number, n: number) => ((i + 0.5) * n) / GRID;
  for (let gy = 0; gy < GRID; gy++) {
    for (let gx = 0; gx < GRID; gx++) {
      const cx = centre(gx, width), cy = centre(gy, height);
      const window: number[] = [];
      for (
        let y = Math.max(0, Math.floor(cy - halfH));
        y < Math.min(height, Math.ceil(cy + halfH));
        y++
      ) {
        for (
          let x = Math.max(0, Math.floor(cx - halfW));
          x < Math.min(width, Math.ceil(cx + halfW));
          x++
        ) {
          window.push(pixels[y * width + x]);
        }
      }
      medians[gy * GRID + gx] = percentile(histogram(Float32Array.from(window)), 0.5);
    }
  }
  return (x, y) => {
    // Grid coordinates of the pixel centre, clamped to the lattice.
    const u = Math.min(GRID - 1, Math.max(0, ((x + 0.5) * GRID) / width - 0.5));
    const v = Math.min(GRID - 1, Math.max(0, ((y + 0.5) * GRID) / height - 0.5));
    const i = Math.min(GRID - 2, Math.floor(u)), j = Math.min(GRID - 2, Math.floor(v));
    const fx = u - i, fy = v - j;
    const at = (a: number, b: number) => medians[b * GRID + a];
    return (1 - fy) * ((1 - fx) * at(i, j) + fx * at(i + 1, j)) +
      fy * ((1 - fx) * at(i, j + 1) + fx * at(i + 1, j + 1));
  };
}

/** The outer ring of the image, about 2% of its size thick (at least one pixel). */
function borderPixels(image: GrayImage): Float32Array {
  const { width, height, luminance } = image;
  const ring = Math.max(1, Math.round(0.02 * Math.min(width, height)));
  const values: number[] = [];
  for (let y = 0; y < height; y++) {
    const edgeRow = y < ring || y >= height - ring;
    for (let x = 0; x < width; x++) {
      if (edgeRow || x < ring || x >= width - ring) values.push(luminance[y * width + x]);
    }
  }
  return Float32Array.from(values);
}
