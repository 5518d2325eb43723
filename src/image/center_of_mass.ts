import { resampleRegion } from "./resample.ts";

/** A [height x width] row-major grid of ink values (0 = none, 1 = full ink). */
export interface InkGrid {
  width: number;
  height: number;
  pixels: Float32Array;
}

/** MNIST's geometry: digits fit a 20x20 box, centred by mass in a 28x28 field. */
export const MNIST_BOX = 20;
export const MNIST_SIZE = 28;

/**
 * Ink-weighted mean position in index coordinates (pixel (x, y) is centred at x, y).
 * MNIST test digits have their centre of mass at (14.0, 14.0) on average in these coordinates.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { centerOfMass } from "./center_of_mass.ts";
 *
 * // A 5x5 grid with a vertical bar in column 2, rows 1 to 3.
 * const pixels = new Float32Array(25);
 * for (const i of [7, 12, 17]) pixels[i] = 1;
 * assert.deepEqual(centerOfMass({ width: 5, height: 5, pixels }), { x: 2, y: 2, mass: 3 });
 * ```
 */
export function centerOfMass(grid: InkGrid): { x: number; y: number; mass: number } {
  const { width, height, pixels } = grid;
  let mass = 0, sumX = 0, sumY = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = pixels[y * width + x];
      mass += v;
      sumX += v * x;
      sumY += v * y;
    }
  }
  if (mass === 0) return { x: (width - 1) / 2, y: (height - 1) / 2, mass: 0 };
  return { x: sumX / mass, y: sumY / mass, mass };
}

/**
 * Bounding box of the pixels above `threshold`, or undefined if there are none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { inkBounds } from "./center_of_mass.ts";
 *
 * const pixels = new Float32Array(25);
 * for (const i of [7, 12, 17]) pixels[i] = 1; // column 2, rows 1 to 3 of 5x5
 * const box = inkBounds({ width: 5, height: 5, pixels });
 * assert.deepEqual(box, { x: 2, y: 1, width: 1, height: 3 });
 * assert.equal(inkBounds({ width: 5, height: 5, pixels: new Float32Array(25) }), undefined);
 * ```
 */
export function inkBounds(
  grid: InkGrid,
  threshold = 0,
): { x: number; y: number; width: number; height: number } | undefined {
  const { width, height, pixels } = grid;
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (pixels[y * width + x] > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < 0) return undefined;
  return { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/**
 * Scales the ink so its bounding box fits a `box` x `box` square keeping the aspect ratio,
 * as MNIST did: the longer side becomes exactly `box` pixels. Shrinking averages areas;
 * growing is bilinear. Returns a grid just large enough to hold the result.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitInBox } from "./center_of_mass.ts";
 *
 * const pixels = new Float32Array(25);
 * for (const i of [7, 12, 17]) pixels[i] = 1; // a "1": one pixel wide, three tall
 * const fitted = fitInBox({ width: 5, height: 5, pixels });
 * assert.deepEqual([fitted.width, fitted.height], [7, 20]); // the long side becomes 20
 * ```
 */
export function fitInBox(grid: InkGrid, box = MNIST_BOX): InkGrid {
  const bounds = inkBounds(grid);
  if (bounds === undefined) return { width: box, height: box, pixels: new Float32Array(box * box) };
  const scale = box / Math.max(bounds.width, bounds.height);
  const width = Math.min(box, Math.ceil(bounds.width * scale - 1e-6));
  const height = Math.min(box, Math.ceil(bounds.height * scale - 1e-6));
  // Centre the shorter side in its whole-pixel extent.
  const region = {
    x: bounds.x - (width / scale - bounds.width) / 2,
    y: bounds.y - (height / scale - bounds.height) / 2,
    width: width / scale,
    height: height / scale,
  };
  const pixels = resampleRegion(grid.pixels, grid.width, grid.height, region, width, height);
  return { width, height, pixels };
}

/**
 * Places a fitted digit in a `size` x `size` field so its centre of mass lands on the pixel
 * nearest the field's centre (14, 14 for MNIST), by whole-pixel shifts like MNIST's, clamped
 * so no ink is cut off.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { centerOfMass, fitInBox, placeByCenterOfMass } from "./center_of_mass.ts";
 *
 * const pixels = new Float32Array(25);
 * for (const i of [7, 12, 17]) pixels[i] = 1; // a "1" in a 5x5 crop
 * const digit = placeByCenterOfMass(fitInBox({ width: 5, height: 5, pixels }));
 * assert.equal(digit.pixels.length, 784); // 28x28, ready for the network
 * const { x, y } = centerOfMass(digit);
 * assert.ok(Math.abs(x - 14) <= 0.5 && Math.abs(y - 14) <= 0.5);
 * ```
 */
export function placeByCenterOfMass(digit: InkGrid, size = MNIST_SIZE): InkGrid {
  const center = centerOfMass(digit);
  const target = size / 2;
  const clampShift = (shift: number, extent: number) => Math.min(Math.max(shift, 0), size - extent);
  const dx = clampShift(Math.round(target - center.x), digit.width);
  const dy = clampShift(Math.round(target - center.y), digit.height);
  const pixels = new Float32Array(size * size);
  for (let y = 0; y < digit.height; y++) {
    for (let x = 0; x < digit.width; x++) {
      pixels[(y + dy) * size + x + dx] = digit.pixels[y * digit.width + x];
    }
  }
  return { width: size, height: size, pixels };
}
