/**
 * Users' own digit images, made to look like MNIST. Knows nothing of the network: images in,
 * 784 floats out.
 *
 * - `decodeImageFile` / `decodeImageBytes`: PNG (every color type, bit depth, interlacing)
 *   or JPEG (baseline, progressive, EXIF-rotated) to luminance, alpha composited onto white;
 *   bad files are one-line UserErrors naming the file.
 * - `normalizeDigit`: polarity, lighting, specks, 20x20 box, centre of mass in 28x28, stroke
 *   width; `found: false` when there is no digit.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeImageFile, normalizeDigit } from "./mod.ts";
 *
 * const digit = normalizeDigit(await decodeImageFile("src/image/testdata/ring_baseline.jpg"));
 * assert.equal(digit.found, true);
 * assert.equal(digit.pixels.length, 784); // what the network takes
 * ```
 *
 * @module
 */

export { decodeImageBytes, decodeImageFile, MAX_FILE_BYTES, MAX_MEGAPIXELS } from "./decode.ts";
export { type GrayImage, grayImage } from "./gray_image.ts";
export { type NormalizedDigit, normalizeDigit, type NormalizeOptions } from "./normalize.ts";
export {
  centerOfMass,
  fitInBox,
  inkBounds,
  type InkGrid,
  MNIST_BOX,
  MNIST_SIZE,
  placeByCenterOfMass,
} from "./center_of_mass.ts";
export { estimateBackground, inkStrength } from "./background.ts";
export { inkIsDark } from "./polarity.ts";
export { type Component, labelComponents, selectDigitComponents } from "./components.ts";
export { strokeWidth, thickenStrokes, thinStrokes } from "./stroke_width.ts";
export { enlarge, type Region, resampleRegion, resize } from "./resample.ts";
export { applyExifOrientation } from "./orientation.ts";
