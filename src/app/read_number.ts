/**
 * Reading a number written in a row (a year, a phone number, "42"): src/image finds and
 * normalizes each digit, the network reads each. The one path of `classify --number`.
 */
import { UserError } from "../errors.ts";
import { decodeImageBytes, decodeImageFile, type GrayImage } from "../image/mod.ts";
import { type DigitCandidate, type NumberRow, segmentNumber } from "../image/segment.ts";
import type { Network } from "../network/network.ts";
import { readsDigitShare } from "../train/refusal_rule.ts";
import { classifyUserDigits, type Prediction } from "./predict.ts";

/**
 * The batch a network that reads numbers should be built with (`loadModelOrRandom(path,
 * NUMBER_BATCH)`): a row's candidates go through in passes of this many.
 */
export const NUMBER_BATCH = 64;

/** One digit of a number as read. */
export interface NumberDigit {
  /** [x, y, width, height] in the image's pixels. */
  box: [number, number, number, number];
  /** [28 x 28] what the network saw. */
  normalized: Float32Array;
  prediction: Prediction;
  /** The row of the picture it is in (0 = the top one). */
  row: number;
}

/** What an image gave when read as a number. */
export interface NumberReading {
  /** The file name, as given. */
  file: string;
  /** The decoded image, when it could be decoded. */
  image?: GrayImage;
  /** The digits of the first (top) row, joined ("2026"); absent when there is none. */
  number?: string;
  /** One number per row of the picture, top to bottom (`numbers[0] === number`). */
  numbers: string[];
  /** Each digit, row by row, left to right. */
  digits: NumberDigit[];
  /** Why there is no number, in one line without the file name. */
  error?: string;
}

/**
 * How the reader judges a candidate digit: the network's guess and, from a model that can say
 * so, the probability that the ink is not a digit at all (0..1).
 */
export interface CandidateScore {
  prediction: Prediction;
  notDigit?: number;
}

/** Scores many candidate digits ([28 x 28] each) at once. */
export type CandidateScorer = (digits: Float32Array[]) => CandidateScore[];

/**
 * The network's guesses as scores, every candidate in one batch of forward passes. A model with
 * a "not a digit" output read in two parts (`readsDigitShare`) gives its confidence over the
 * ten digits alone, and p(not a digit) as `notDigit`; an older one shares its softmax with the
 * digits, so a guess's confidence already holds 1 - p(not a digit): it is not counted again.
 */
export function networkScorer(network: Network): CandidateScorer {
  const twoParts = readsDigitShare(network);
  return (digits) =>
    classifyUserDigits(network, digits).map((prediction) =>
      twoParts ? { prediction, notDigit: prediction.notADigit } : { prediction }
    );
}

/**
 * Reads the digits of a decoded image, row by row, left to right: of all the ways to cut each
 * row into candidate digits (`segmentNumber`), the one whose digits the network is surest of
 * together (the product of their confidences, times their chance of being digits at all).
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
  network: Network | CandidateScorer,
): { number?: string; numbers: string[]; digits: NumberDigit[]; error?: string } {
  const scorer = typeof network === "function" ? network : networkScorer(network);
  const segments = segmentNumber(image);
  if (segments.rows.length === 0) return { numbers: [], digits: [], error: segments.reason };
  // Every candidate of every row through the network together.
  const scores = scorer(segments.rows.flatMap((row) => row.candidates.map((c) => c.pixels)));
  const digits: NumberDigit[] = [];
  const numbers: string[] = [];
  let next = 0;
  segments.rows.forEach((row, r) => {
    const rowScores = scores.slice(next, next + row.candidates.length);
    next += row.candidates.length;
    const read = bestPath(row, rowScores).map(({ candidate, score }) => ({
      box: candidate.box,
      normalized: candidate.pixels,
      prediction: score.prediction,
      row: r,
    }));
    digits.push(...read);
    numbers.push(read.map((d) => d.prediction.digit).join(""));
  });
  return { number: numbers[0], numbers, digits };
}

/**
 * The candidates that cover a row's atoms exactly once, left to right, with the highest sum of
 * log scores (dynamic programming over the atoms: best[to] = max over candidates ending at
 * `to` of best[from] + log score). A digit's log score is log(confidence) + log(1 - notDigit),
 * less GAP_COST per gap it bridges (and SHORT_ONE_COST for a 1 well under its neighbours'
 * height): two touching digits read as one are a shape the network
 * has not seen and get a hesitant guess, each alone a confident one; a digit cut in two
 * usually reads worse than whole.
 */
/**
 * Log-score cost of reading separate pieces as one digit, per gap bridged: a digit's strokes
 * are usually joined or stacked (grouped before this), so pieces side by side are kept apart
 * unless the network is far surer of them together (e^1: 2.7 times). Chosen on the composed
 * and MNIST sets (tests/real_numbers_accuracy.ts) over 0, 1, 2, 4: 1 to 4 read the same;
 * 0 let "17" be read as one 7. Costs per digit (a bonus for more digits), per stroke cut and
 * a prior on each digit's width for its height were tried on the same sets and each lost more
 * touching MNIST numbers (24 -> 13-17 of 40) than it won elsewhere (at most 2).
 */
const GAP_COST = 1;
/**
 * Log-score cost per stroke a cut crosses (`cutStrokes`): two touching digits meet in about
 * one stroke, a digit sliced into confident 1s is crossed at two or more. A flat cost per cut
 * (1 or 2) lost half the touching MNIST numbers; per stroke crossed, 0.3-0.7 read the same
 * (checked on 200 touching and 100 apart MNIST numbers of another seed than the tests', and the
 * written numbers).
 */
const CUT_COST = 0.4;
/**
 * Log-score cost of a 1 under SHORT_ONE_HEIGHT of its row's digit height: a 1 is as tall as
 * its neighbours, a slice cut off a digit's tail or side is not (an MNIST "8299" read "82199",
 * the 2's tail a 1). On the numbers the cut settings were chosen on (segment.ts): 100 apart
 * MNIST numbers of seed 99 95 -> 97, 200 touching 166 -> 165, the rest the same (0.5 and 0.7
 * did no better, a cost of 1 or 4 the same).
 */
const SHORT_ONE_COST = 2;
const SHORT_ONE_HEIGHT = 0.6;

function bestPath(
  row: NumberRow,
  scores: CandidateScore[],
): { candidate: DigitCandidate; score: CandidateScore }[] {
  const best = new Float64Array(row.atoms + 1).fill(-Infinity);
  const via = new Int32Array(row.atoms + 1).fill(-1);
  best[0] = 0;
  // Candidates come by `from`, so best[from] is final before any candidate leaves it.
  row.candidates.forEach((c, i) => {
    if (best[c.from] === -Infinity) return;
    const s = scores[i];
    const shortOne = s.prediction.digit === 1 && c.box[3] < SHORT_ONE_HEIGHT * row.digitHeight;
    const total = best[c.from] + Math.log(Math.max(1e-9, s.prediction.confidence)) +
      Math.log(Math.max(1e-9, 1 - (s.notDigit ?? 0))) - GAP_COST * c.gaps -
      CUT_COST * c.cutStrokes - (shortOne ? SHORT_ONE_COST : 0);
    if (total > best[c.to]) best[c.to] = total, via[c.to] = i;
  });
  const path: { candidate: DigitCandidate; score: CandidateScore }[] = [];
  for (let at = row.atoms; at > 0;) {
    const i = via[at];
    path.unshift({ candidate: row.candidates[i], score: scores[i] });
    at = row.candidates[i].from;
  }
  return path;
}

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
    return { file, numbers: [], digits: [], error: message };
  }
  return { file, image, ...readNumberInImage(image, network) };
}

/**
 * A reading as JSON: `{file, number, numbers, digits: [{digit, confidence, box, row}]}`
 * (`number` the top row's, `numbers` one per row top to bottom, confidence to four decimals),
 * or `{file, number: null, numbers: [], digits: [], error}`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { numberJson } from "./read_number.ts";
 *
 * assert.deepEqual(numberJson({ file: "a.png", numbers: [], digits: [], error: "no digit found" }), {
 *   file: "a.png",
 *   number: null,
 *   numbers: [],
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
    row: d.row,
  }));
  if (reading.number === undefined) {
    return {
      file: reading.file,
      number: null,
      numbers: [],
      digits,
      error: reading.error ?? "no digit found",
    };
  }
  return { file: reading.file, number: reading.number, numbers: reading.numbers, digits };
}
