/**
 * Reading a number written in a row (a year, a phone number, "42"): src/image finds and
 * normalizes each digit, the network reads each. The one path of `classify --number`.
 */
import { UserError } from "../errors.ts";
import { decodeImageBytes, decodeImageFile, type GrayImage } from "../image/mod.ts";
import { type DigitSegment, segmentNumber } from "../image/segment.ts";
import type { Network } from "../network/network.ts";
import { classifyUserDigit, type Prediction } from "./predict.ts";

/** One digit of a number as read. */
export interface NumberDigit {
  /** [x, y, width, height] in the image's pixels. */
  box: [number, number, number, number];
  /** [28 x 28] what the network saw. */
  normalized: Float32Array;
  prediction: Prediction;
}

/** What an image gave when read as a number. */
export interface NumberReading {
  /** The file name, as given. */
  file: string;
  /** The decoded image, when it could be decoded. */
  image?: GrayImage;
  /** The digits read left to right, joined ("2026"); absent when there is none. */
  number?: string;
  /** Each digit, left to right. */
  digits: NumberDigit[];
  /** Why there is no number, in one line without the file name. */
  error?: string;
}

/**
 * Reads the digits of a decoded image left to right.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { grayImage } from "../image/mod.ts";
 * import { Network } from "../network/mod.ts";
 * import { readNumberInImage } from "./read_number.ts";
 *
 * const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, { seed: 1 });
 * const page = grayImage(60, 40, new Float32Array(60 * 40).fill(1));
 * for (let y = 8; y < 32; y++) for (const x of [19, 41]) page.luminance[y * 60 + x] = 0;
 * const { digits, number } = readNumberInImage(page, network);
 * assert.equal(digits.length, 2);
 * assert.equal(number?.length, 2);
 * ```
 */
export function readNumberInImage(
  image: GrayImage,
  network: Network,
): { number?: string; digits: NumberDigit[]; error?: string } {
  const segments = segmentNumber(image);
  if (segments.groups.length === 0) return { digits: [], error: segments.reason };
  const digits: NumberDigit[] = [];
  for (const ways of segments.groups) digits.push(...surestWay(ways, network));
  return { number: digits.map((d) => d.prediction.digit).join(""), digits };
}

/**
 * A group of ink is read as one digit unless cutting it (where digits may touch) gives digits
 * the network is all surer of, by SPLIT_MARGIN at least: two touching digits read as one are a
 * shape the network has not seen and get a hesitant guess, each half a confident one; a wide
 * single digit is read confidently whole.
 */
function surestWay(ways: DigitSegment[][], network: Network): NumberDigit[] {
  const read = (way: DigitSegment[]) =>
    way.map((segment) => ({
      box: segment.box,
      normalized: segment.pixels,
      prediction: classifyUserDigit(network, segment.pixels),
    }));
  const weakest = (digits: NumberDigit[]) =>
    Math.min(...digits.map((d) => d.prediction.confidence));
  let best = read(ways[0]);
  // A group over 1.2 times wider than tall is more likely two digits than one (0.3% of MNIST's
  // test digits are that wide); there a cut wins as soon as its weakest digit reads surer.
  const [, , width, height] = ways[0][0].box;
  let bestScore = weakest(best) + (width > 1.2 * height ? WIDE_SPLIT_MARGIN : SPLIT_MARGIN);
  for (const way of ways.slice(1)) {
    const digits = read(way);
    if (weakest(digits) > bestScore) best = digits, bestScore = weakest(digits);
  }
  return best;
}

/** How much surer the weakest digit of a cut must be than the group read whole. */
const SPLIT_MARGIN = 0.1;
const WIDE_SPLIT_MARGIN = 0;

/**
 * Decodes an image (a file by its path, or bytes already read) and reads it as a number. What
 * is wrong with the file comes back as `error`; anything else (a bug) is thrown.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "../network/mod.ts";
 * import { readNumber } from "./read_number.ts";
 *
 * const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, { seed: 1 });
 * const result = await readNumber("src/image/testdata/ring_gray_baseline.jpg", network);
 * assert.equal(result.digits.length, 1); // one ring, one digit
 * ```
 */
export async function readNumber(
  source: string | { bytes: Uint8Array; name: string },
  network: Network,
): Promise<NumberReading> {
  const file = typeof source === "string" ? source : source.name;
  let image: GrayImage;
  try {
    image = typeof source === "string"
      ? await decodeImageFile(source)
      : decodeImageBytes(source.bytes, source.name);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    const message = error.message.startsWith(`${file}: `)
      ? error.message.slice(file.length + 2)
      : error.message;
    return { file, digits: [], error: message };
  }
  return { file, image, ...readNumberInImage(image, network) };
}

/**
 * A reading as JSON: `{file, number, digits: [{digit, confidence, box}]}` (confidence to four
 * decimals), or `{file, number: null, digits: [], error}`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { numberJson } from "./read_number.ts";
 *
 * assert.deepEqual(numberJson({ file: "a.png", digits: [], error: "no digit found" }), {
 *   file: "a.png",
 *   number: null,
 *   digits: [],
 *   error: "no digit found",
 * });
 * ```
 */
export function numberJson(reading: NumberReading) {
  const digits = reading.digits.map((d) => ({
    digit: d.prediction.digit,
    confidence: Math.round(d.prediction.confidence * 1e4) / 1e4,
    box: d.box,
  }));
  if (reading.number === undefined) {
    return { file: reading.file, number: null, digits, error: reading.error ?? "no digit found" };
  }
  return { file: reading.file, number: reading.number, digits };
}
