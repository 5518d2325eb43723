/**
 * Classifying a user's image: decode, normalize MNIST-style, ask the network. The one path the
 * `classify` command, the Classify screen and the Draw screen's canvas all take, so that a file
 * and a drawing are read the same way everywhere.
 */
import { errorLine, UserError } from "../errors.ts";
import {
  decodeImageBytes,
  decodeImageFile,
  type GrayImage,
  normalizeDigit,
  resize,
} from "../image/mod.ts";
import { labelFromPath } from "../image/image_files.ts";
import type { Network } from "../network/network.ts";
import { readingScore, readsDigitShare, refusalThreshold } from "../train/refusal_rule.ts";
import { percent } from "../text/format.ts";
import { classifyUserDigit, type Prediction } from "./predict.ts";
import { readNumber } from "./read_number.ts";

/** What the network made of one image that decoded (see {@linkcode classifyGrayImage}). */
export interface DigitGuess {
  /** False when normalizeDigit found no digit: then there is no `prediction`. */
  found: boolean;
  /** [28 x 28] ink-bright 0..1: what the network saw (all zeros when nothing was found). */
  normalized: Float32Array;
  prediction?: Prediction;
  /** Why nothing was found ("no digit found"). */
  reason?: string;
  /** True when there is ink but it is not a handwritten digit (`reason` says why). */
  notDigit?: boolean;
}

/** What one image file (or its bytes) gave: the picture, what the network saw, or what failed. */
export interface ImageClassification {
  /** The file name, as given. */
  file: string;
  /** The digit the file's name or folder says it shows (`label7`, `7/x.png`). */
  label?: number;
  /** The decoded image (luminance, 0 = black), when it could be decoded. */
  image?: GrayImage;
  /** [28 x 28] what the network saw, when the image decoded (zeros if no digit was found). */
  normalized?: Float32Array;
  /** The guess, when a digit was found. */
  prediction?: Prediction;
  /** Why there is no guess, in one line without the file name ("no digit found", ...). */
  error?: string;
  /**
   * Set (with the same words as `error`) when the image decoded and has ink, but not a
   * handwritten digit: an honest answer, not a failure of the file.
   */
  notDigit?: string;
}

/**
 * Normalizes a decoded image like MNIST (`normalizeDigit`) and asks the network: what both a
 * file and the Draw screen's canvas go through.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { grayImage } from "../image/mod.ts";
 * import { Network } from "../network/mod.ts";
 * import { classifyGrayImage } from "./classify_image.ts";
 *
 * const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, { seed: 1 });
 * const blank = classifyGrayImage(grayImage(40, 40, new Float32Array(1600).fill(1)), network);
 * assert.equal(blank.found, false);
 * assert.equal(blank.reason, "no digit found");
 * ```
 */
export function classifyGrayImage(image: GrayImage, network: Network): DigitGuess {
  const digit = normalizeDigit(image);
  if (!digit.found) {
    const guess: DigitGuess = { found: false, normalized: digit.pixels, reason: digit.reason };
    if (digit.notDigit) guess.notDigit = true;
    return guess;
  }
  const prediction = classifyUserDigit(network, digit.pixels);
  if (refuses(network, prediction)) {
    const reason = refusalReason(network, prediction);
    return { found: false, normalized: digit.pixels, reason, notDigit: true };
  }
  return { found: true, normalized: digit.pixels, prediction };
}

/**
 * Whether the network's answer says the ink is not a digit: its (calibrated) confidence in its
 * best digit is under `refusalThreshold` (src/train/refusal_rule.ts): the threshold the model
 * learned (trained with not-a-digit images, chosen on held-out data); for a model without one,
 * 0.45 if it is a CNN, never for a dense network. A model with the "not a digit" output read in
 * two parts (`readsDigitShare`) compares 1 - `notADigit` instead, as its threshold was chosen.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "../network/mod.ts";
 * import { refuses } from "./classify_image.ts";
 *
 * const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, { seed: 1 });
 * const guess = (confidence: number) => ({
 *   probabilities: new Float32Array(10),
 *   digit: 3,
 *   confidence,
 *   runnerUp: 5,
 * });
 * assert.equal(refuses(network, guess(0.2)), false); // a dense network without a learned refusal
 * network.readout = { temperature: 1.2, refuseBelow: 0.6 };
 * assert.equal(refuses(network, guess(0.55)), true);
 * assert.equal(refuses(network, guess(0.65)), false);
 * ```
 */
export function refuses(network: Network, prediction: Prediction): boolean {
  const threshold = refusalThreshold(network);
  return threshold !== null && readingScore(network, prediction) < threshold;
}

/**
 * Why the network's answer is "not a digit", in its own numbers: the chance it gives the ink of
 * being a digit (a model read in two parts), or how sure it is of its best digit, against the
 * threshold it answers from. A learner sees how far from a digit the drawing is; a developer
 * sees the rule.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "../network/mod.ts";
 * import { refusalReason } from "./classify_image.ts";
 *
 * const network = new Network({ layerSizes: [784, 16, 11], activation: "relu" }, { seed: 1 });
 * network.readout = { temperature: 1, refuseBelow: 0.34, refusalScore: "digitShare" };
 * const guess = {
 *   probabilities: new Float32Array(11),
 *   digit: 0,
 *   confidence: 0.9,
 *   runnerUp: 6,
 *   notADigit: 0.76,
 * };
 * assert.equal(
 *   refusalReason(network, guess),
 *   "does not look like a digit (the network gives it a 24% chance of being one; it answers from 34%)",
 * );
 * ```
 */
export function refusalReason(network: Network, prediction: Prediction): string {
  const score = readingScore(network, prediction);
  const from = `it answers from ${percent(refusalThreshold(network) ?? 0, 0)}`;
  return readsDigitShare(network)
    ? `does not look like a digit (the network gives it a ${percent(score, 0)} chance of being ` +
      `one; ${from})`
    : `does not look like a digit (the network is at most ${percent(score, 0)} sure of any ` +
      `digit; ${from})`;
}

/**
 * Decodes, normalizes and classifies one image: a file by its path, or bytes already read (the
 * name only labels them). What is wrong with the file (missing, not an image, corrupt, no digit)
 * comes back as `error`, one line without the file name; anything else (a bug) is thrown.
 * When `signal` aborts while the file is read or decoded, normalizing is skipped and its
 * reason is thrown (a screen stepping past an image does not wait for it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "../network/mod.ts";
 * import { classifyImage } from "./classify_image.ts";
 *
 * const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, { seed: 1 });
 * const text = new TextEncoder().encode("not an image");
 * const result = await classifyImage({ bytes: text, name: "notes_label3.png" }, network);
 * assert.equal(result.error, "not a PNG or JPEG image");
 * assert.equal(result.label, 3);
 * ```
 */
export async function classifyImage(
  source: string | { bytes: Uint8Array; name: string },
  network: Network,
  options: { signal?: AbortSignal } = {},
): Promise<ImageClassification> {
  const file = typeof source === "string" ? source : source.name;
  const result: ImageClassification = { file, label: labelFromPath(file) };
  try {
    result.image = typeof source === "string"
      ? await decodeImageFile(source)
      : decodeImageBytes(source.bytes, source.name);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    result.error = withoutFileName(error.message, file);
    return result;
  }
  options.signal?.throwIfAborted();
  const guess = classifyGrayImage(result.image, network);
  result.normalized = guess.normalized;
  if (guess.prediction) result.prediction = guess.prediction;
  else result.error = guess.reason ?? "no digit found";
  if (guess.notDigit) result.notDigit = result.error;
  return result;
}

/** The decoders name the file first ("a.png: not a PNG..."); callers show the name already. */
function withoutFileName(message: string, file: string): string {
  return message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message;
}

/**
 * An image shrunk to fit `maxWidth` x `maxHeight` pixels keeping its aspect ratio (area
 * averaging, through src/image's resampler; never enlarged), for showing it as block art.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { grayImage } from "../image/mod.ts";
 * import { fitImage } from "./classify_image.ts";
 *
 * const photo = grayImage(640, 480, new Float32Array(640 * 480).fill(0.5));
 * const shown = fitImage(photo, 56, 56);
 * assert.deepEqual([shown.width, shown.height], [56, 42]);
 * assert.ok(Math.abs(shown.luminance[0] - 0.5) < 1e-6); // an average of equal grays
 * ```
 */
export function fitImage(image: GrayImage, maxWidth: number, maxHeight: number): GrayImage {
  const scale = Math.max(1, image.width / maxWidth, image.height / maxHeight);
  if (scale === 1) return image;
  const width = Math.max(1, Math.min(maxWidth, Math.round(image.width / scale)));
  const height = Math.max(1, Math.min(maxHeight, Math.round(image.height / scale)));
  return {
    width,
    height,
    luminance: resize(image.luminance, image.width, image.height, width, height),
  };
}

/** What one image file gave, as the Classify screen shows it: a small copy, what the network saw, the guess. */
export interface ImageResult {
  file: string;
  /** The image shrunk to fit 56x56 for display, when it could be decoded. */
  preview?: GrayImage;
  /** The original size. */
  width?: number;
  height?: number;
  /** [28 x 28] what the network saw, when the image decoded. */
  normalized?: Float32Array;
  prediction?: Prediction;
  /** Why it could not be classified (one line). */
  error?: string;
  /** Set (as `error`) when the image has ink but not a digit: an answer, not a failure. */
  notDigit?: string;
  /** The digit the file name or folder says it is (`label7`, `7/x.png`). */
  label?: number;
  /**
   * In number mode: the digits read left to right, each with its box in the image's pixels;
   * `text` holds one number per row, top to bottom, joined by " / ".
   */
  number?: { text: string; digits: NumberDigitResult[] };
}

/** One digit of a number, as the Classify screen shows it. */
export interface NumberDigitResult {
  prediction: Prediction;
  /** [x, y, width, height] in the original image's pixels. */
  box: [number, number, number, number];
  /** [28 x 28] what the network saw. */
  normalized: Float32Array;
}

/**
 * Reads, normalizes and classifies one file (`classifyImage`) and keeps what the screen shows:
 * a copy shrunk to 56x56 at most, not the decoded image. A bad file or an image without a
 * digit comes back with `error` set; so does an unexpected failure, as one line (and an
 * abort through `signal`, whose result nobody waits for).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "../network/mod.ts";
 * import { readImageResult } from "./classify_image.ts";
 *
 * const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, { seed: 1 });
 * const result = await readImageResult("no/such/seven_label7.png", network);
 * assert.equal(result.error, "no such file");
 * assert.equal(result.label, 7);
 * ```
 */
export async function readImageResult(
  file: string,
  network: Network,
  signal?: AbortSignal,
): Promise<ImageResult> {
  try {
    const { image, ...result } = await classifyImage(file, network, { signal });
    if (!image) return result;
    return {
      ...result,
      preview: fitImage(image, 56, 56),
      width: image.width,
      height: image.height,
    };
  } catch (error) {
    return { file, error: errorLine(error) };
  }
}

/**
 * Reads one file as a number (`readNumber`): the digits with their boxes, and a copy of the
 * image shrunk to 160x56 at most. Problems come back as `error`, like `readImageResult`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "../network/mod.ts";
 * import { readNumberResult } from "./classify_image.ts";
 *
 * const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, { seed: 1 });
 * const result = await readNumberResult("src/image/testdata/ring_gray_baseline.jpg", network);
 * assert.equal(result.number?.digits.length, 1);
 * ```
 */
export async function readNumberResult(file: string, network: Network): Promise<ImageResult> {
  try {
    const reading = await readNumber(file, network);
    const result: ImageResult = { file };
    if (reading.image) {
      // A number is wide: keep room for it across.
      result.preview = fitImage(reading.image, 160, 56);
      result.width = reading.image.width;
      result.height = reading.image.height;
    }
    if (reading.number === undefined) result.error = reading.error ?? "no digit found";
    else result.number = { text: reading.numbers.join(" / "), digits: reading.digits };
    return result;
  } catch (error) {
    return { file, error: errorLine(error) };
  }
}
