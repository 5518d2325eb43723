/**
 * Digits written in the handwriting fonts and with a pen along the Hershey fonts: positives,
 * labelled, drawn by the machinery that draws the letters (src/negatives/letters.ts) and handed
 * in like every picture a person gives the app (wobbled, photographed, normalized).
 *
 * Why: MNIST's 250 writers are American students and clerks of 1990; people hand the app
 * digits in other styles (a 1 with a long flag, a 7 with a bar, a round 4). Taught "not a
 * digit" on letters drawn this way and digits only from MNIST, a network learns "MNIST's style
 * or not", and it grows unsure of real people's digits. Digits drawn exactly like the letters
 * leave it only the shape to tell them apart (README "Not a digit").
 */
import type { Dataset } from "../data/dataset.ts";
import { IMAGE_PIXELS } from "../data/dataset.ts";
import { normalizeDigit } from "../image/mod.ts";
import { deriveSeed, Random } from "../network/random.ts";
import { textWriter } from "./letters.ts";
import { handDrawn, LETTERS_BY_HAND } from "./negatives.ts";

/** Seeds the font digits' generator apart from the shuffles, augmentation and negatives. */
const FONT_DIGIT_STREAM = 0x46_44; // "FD"

/** How many pictures in a row may come out blank before makeFontDigits gives up. */
const MAX_BLANK_RUN = 100;

/**
 * Makes `count` labelled digits, 0 to 9 in turn, each written in a random handwriting font or
 * with a Hershey pen (letters.ts's `textWriter`: 40-96 px high, slanted up to 12 degrees,
 * turned up to 10), wobbled by a hand half the time, photographed, and normalized as a user's
 * picture is: the bytes a training digit has. Same seed, same bytes. About 150-300 a second.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeFontDigits } from "./font_digits.ts";
 *
 * const digits = await makeFontDigits(12, 1);
 * assert.equal(digits.count, 12);
 * assert.deepEqual([...digits.labels.subarray(0, 3)], [0, 1, 2]);
 * assert.deepEqual(digits.pixels, (await makeFontDigits(12, 1)).pixels); // same seed, same bytes
 * ```
 */
export async function makeFontDigits(count: number, seed: number): Promise<Dataset> {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`font digit count must be a whole number >= 0, got ${count}`);
  }
  const write = await textWriter();
  const digitDrawers = Array.from(
    { length: 10 },
    (_, digit) => handDrawn((rng) => write(rng, () => String(digit)), ...LETTERS_BY_HAND),
  );
  const rng = new Random(deriveSeed(seed, FONT_DIGIT_STREAM));
  const pixels = new Uint8Array(count * IMAGE_PIXELS), labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const digit = i % 10;
    for (let run = 0;; run++) {
      if (run === MAX_BLANK_RUN) {
        throw new Error(`font digits: ${run} drawings of a ${digit} in a row came out blank`);
      }
      const seen = normalizeDigit(digitDrawers[digit](rng).image);
      if (!seen.found) continue;
      for (let p = 0; p < IMAGE_PIXELS; p++) {
        pixels[i * IMAGE_PIXELS + p] = Math.round(seen.pixels[p] * 255);
      }
      labels[i] = digit;
      break;
    }
  }
  return { pixels, labels, count };
}

/**
 * The first `limit` digits of `digits` followed by `extra`: a training set whose first
 * `limit + extra.count` digits a plan trains on (the held-out tail of `digits` is not in it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { joinDigits } from "./font_digits.ts";
 *
 * const a = { pixels: new Uint8Array(3 * 784).fill(1), labels: new Uint8Array([1, 2, 3]), count: 3 };
 * const b = { pixels: new Uint8Array(784).fill(9), labels: new Uint8Array([7]), count: 1 };
 * const joined = joinDigits(a, 2, b);
 * assert.deepEqual([...joined.labels], [1, 2, 7]);
 * assert.equal(joined.pixels[2 * 784], 9);
 * ```
 */
export function joinDigits(digits: Dataset, limit: number, extra: Dataset): Dataset {
  const first = Math.min(limit, digits.count), count = first + extra.count;
  const pixels = new Uint8Array(count * IMAGE_PIXELS), labels = new Uint8Array(count);
  pixels.set(digits.pixels.subarray(0, first * IMAGE_PIXELS));
  labels.set(digits.labels.subarray(0, first));
  pixels.set(extra.pixels.subarray(0, extra.count * IMAGE_PIXELS), first * IMAGE_PIXELS);
  labels.set(extra.labels.subarray(0, extra.count), first);
  return { pixels, labels, count };
}
