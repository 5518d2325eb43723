import type { GrayImage } from "./gray_image.ts";

/**
 * Turns a stored image upright according to its EXIF orientation tag (1..8). Phones store
 * photos sideways and record the rotation here; without it a "7" photographed in portrait
 * reaches the network lying on its side.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { grayImage } from "./gray_image.ts";
 * import { applyExifOrientation } from "./orientation.ts";
 *
 * // Stored as one row [black, white] with orientation 6: upright it is one column, black on top.
 * const stored = grayImage(2, 1, new Float32Array([0, 1]));
 * const upright = applyExifOrientation(stored, 6);
 * assert.deepEqual([upright.width, upright.height], [1, 2]);
 * assert.deepEqual(Array.from(upright.luminance), [0, 1]);
 * ```
 */
export function applyExifOrientation(image: GrayImage, orientation: number): GrayImage {
  if (orientation < 2 || orientation > 8) return image;
  const { width: w, height: h, luminance } = image;
  const swap = orientation >= 5;
  const outWidth = swap ? h : w;
  const outHeight = swap ? w : h;
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // Where stored pixel (x, y) lands when displayed.
      let dx: number, dy: number;
      switch (orientation) {
        case 2:
          [dx, dy] = [w - 1 - x, y];
          break; // mirrored
        case 3:
          [dx, dy] = [w - 1 - x, h - 1 - y];
          break; // 180 degrees
        case 4:
          [dx, dy] = [x, h - 1 - y];
          break; // flipped
        case 5:
          [dx, dy] = [y, x];
          break; // transposed
        case 6:
          [dx, dy] = [h - 1 - y, x];
          break; // 90 degrees clockwise
        case 7:
          [dx, dy] = [h - 1 - y, w - 1 - x];
          break; // transversed
        default:
          [dx, dy] = [y, w - 1 - x];
          break; // 8: 90 degrees counter-clockwise
      }
      out[dy * outWidth + dx] = luminance[y * w + x];
    }
  }
  return { width: outWidth, height: outHeight, luminance: out };
}
