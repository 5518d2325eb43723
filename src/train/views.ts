/**
 * How a user's digit is read: a network with convolutions reads it in several views and
 * averages the probabilities (a model read in two parts takes only whether it is a digit from
 * the average, which digit from the digit as it is); a dense one reads it as it is. Shared by
 * the classify path (src/app/predict.ts), by the refusal threshold chosen after training
 * (refusal.ts), so the threshold is chosen on the very numbers `classify` compares with it, and
 * by the ONNX export (src/export/onnx.ts), whose graph reads the same views.
 */
import { affineSampling, applySampling } from "../image/affine.ts";
import { DIGIT_CLASSES, type Network, NOT_A_DIGIT_OUTPUT } from "../network/network.ts";
import { digitsOverTen, readsDigitShare } from "./refusal_rule.ts";

/** A view of a digit: turned by `angle` radians and scaled by `scale` (affineDigit). */
export type View = readonly [angle: number, scale: number];

/**
 * Views a user's digit is read in besides itself: [angle (radians), scale]. A person's digit
 * put in MNIST's 20x20 box is not always where MNIST's writers' digits fall; reading it also a
 * little smaller and turned a little each way, and averaging the probabilities, leaves the
 * answer less to where the box happened to fall. Measured with the CNN
 * (conv5x32,pool,conv5x64,pool,dense128): real_digits 230 -> 234 of 235 (European 1s with a
 * long flag stop reading as 7), the first 3,000 MNIST test digits 2971 -> 2980 right. The
 * dense network gains 1 real digit and loses 10 MNIST ones (it does not shift-generalize as a
 * CNN does), so it reads the digit as it is. The shipped CNN, with the "not a digit" output,
 * reads all 235 real digits right as they are: its views decide only whether it is a digit
 * (`readUserDigits`).
 */
const VIEWS: readonly View[] = [[0, 0.85], [0.1, 0.92], [-0.1, 0.92]];

/**
 * VIEWS' bilinear sampling tables (`affineSampling`), made once: every digit read, and every
 * candidate piece of a number, is turned and scaled the same three ways, so `affineDigit`'s
 * table-building (trigonometry and four tables per call) is not repeated per digit.
 */
const VIEW_SAMPLINGS = VIEWS.map(([angle, scale]) => affineSampling(angle, scale));

/** View `v` (an index into VIEWS) of a normalized digit: `affineDigit` with VIEWS[v]. */
function viewOf(pixels: Float32Array, v: number): Float32Array {
  return applySampling(VIEW_SAMPLINGS[v], pixels);
}

/**
 * How many times the digit as it is counts in the average, each view once, for models
 * calibrated from now on (the model file records it: `Readout.asIsWeight`; files calibrated
 * before read it once). The views cost MNIST's own digits, which sit where MNIST's box puts
 * them, about 0.2 points: a chain of the shipped recipe read the 10,000 test digits as PNG files
 * 99.60% right by the digit alone, 99.39-99.41% by the even average of four, and 99.34% with
 * the digit counted twice and its refusal at a threshold chosen so (README, "Not a digit"). A
 * real digit read alone keeps the views' vote (3 of 5); a model read in two parts counts it so
 * for p(not a digit) only.
 */
export const CALIBRATED_AS_IS_WEIGHT = 2;

/** The views `readUserDigit` averages, and how many times the digit as it is counts. */
export interface ViewAverage {
  /** Each counted once: VIEWS. */
  views: readonly View[];
  /** How many times the digit as it is counts (`readout.asIsWeight`, else 1). */
  asIsWeight: number;
}

/**
 * How `readUserDigit` reads a digit for `network`: the average over the digit and its views for
 * a network with convolutions, null for a dense one (the digit alone).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network, parseLayerSpec } from "../network/mod.ts";
 * import { viewAverage } from "./views.ts";
 *
 * const cnn = new Network(parseLayerSpec("conv5x4,pool,dense16"), { maxBatch: 1, seed: 1 });
 * cnn.readout = { temperature: 1, refuseBelow: null, asIsWeight: 2 };
 * assert.equal(viewAverage(cnn)?.asIsWeight, 2);
 * assert.equal(viewAverage(cnn)?.views.length, 3);
 * const dense = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, { seed: 1 });
 * assert.equal(viewAverage(dense), null);
 * ```
 */
export function viewAverage(network: Network): ViewAverage | null {
  if (!network.layers.some((layer) => layer.kind === "conv")) return null;
  return { views: VIEWS, asIsWeight: network.readout.asIsWeight ?? 1 };
}

/**
 * The probabilities (with the network's readout temperature) for a user's normalized digit of
 * 784 values in 0..1: `readUserDigits` for one digit.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network, parseLayerSpec } from "../network/mod.ts";
 * import { readUserDigit } from "./views.ts";
 *
 * const cnn = new Network(parseLayerSpec("conv5x4,pool,dense16"), { maxBatch: 1, seed: 1 });
 * const probabilities = readUserDigit(cnn, new Float32Array(784).fill(0.5));
 * const total = probabilities.reduce((sum, p) => sum + p, 0);
 * assert.ok(Math.abs(total - 1) < 1e-5); // still a distribution
 * ```
 */
export function readUserDigit(network: Network, pixels: Float32Array): Float32Array {
  return readUserDigits(network, [pixels])[0];
}

/**
 * The probabilities (with the network's readout temperature) of user's normalized digits, in
 * as few forward passes as the network's batch allows (reading a number scores dozens of
 * candidate pieces). For a network with convolutions, the average over each digit (counted
 * `readout.asIsWeight` times) and its VIEWS; for a dense one, the digit alone.
 *
 * A model read in two parts (`readsDigitShare`: the "not a digit" output) takes the two parts
 * from different readings: whether it is a digit, p(not a digit), from the views' average, and
 * which digit, the ten digits' probabilities renormalized over the ten, from the digit as it is,
 * so out[d] = asIs[d] / (asIs[0] + ... + asIs[9]) x (average[0] + ... + average[9]): the
 * average's digit total rather than 1 - average[10], which rounds to 0 in float32 when the
 * network is all but certain and would lose which digit. (`guessFromOutputs` renormalizes the
 * ten again; the vector is kept summing to 1 for whoever reads it whole.) Why: the views are
 * there for the refusal (an outline seldom passes for a digit in every view), but read for
 * which digit, they misread digits that sit where MNIST's box puts them. The shipped model's
 * 10,000 test digits as PNG files, those not refused: 9,959 right from the digit as it is,
 * 9,952 from the views' average (which misread 17 that `test` reads right, 8 of them as 1s;
 * read as it is, 9); the 235 real digits and the 2,000 held-out digits are read as well either
 * way (235 and 1,994). And the temperature was fitted on the digit as it is, so the confidence
 * shown is the one calibrated. The dense network's and older files' readings are unchanged.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network, parseLayerSpec } from "../network/mod.ts";
 * import { readUserDigit, readUserDigits } from "./views.ts";
 *
 * const cnn = new Network(parseLayerSpec("conv5x4,pool,dense16"), { maxBatch: 8, seed: 1 });
 * const digits = [new Float32Array(784).fill(0.5), new Float32Array(784).fill(0.1)];
 * cnn.readout = { temperature: 0.5, refuseBelow: 0.4, asIsWeight: 2 }; // a calibrated model's
 * const [, second] = readUserDigits(cnn, digits);
 * const alone = readUserDigit(cnn, digits[1]);
 * assert.ok(second.every((p, d) => Math.abs(p - alone[d]) < 1e-5));
 * ```
 */
export function readUserDigits(network: Network, digits: Float32Array[]): Float32Array[] {
  const average = viewAverage(network);
  const others = average?.views ?? [];
  const views = others.length + 1;
  const asIs = average?.asIsWeight ?? 1;
  // Row r of the work list: digit floor(r / views), view r % views (0 = as it is).
  const rows = digits.length * views;
  const size = network.layerSizes[0];
  const classes = network.layerSizes[network.layerSizes.length - 1];
  const sums = digits.map(() => new Float32Array(classes));
  // Each digit's reading as it is, for a model whose digit comes from it.
  const twoParts = views > 1 && readsDigitShare(network);
  const asIsRows = twoParts ? digits.map(() => new Float32Array(classes)) : [];
  for (let first = 0; first < rows; first += network.maxBatch) {
    const count = Math.min(network.maxBatch, rows - first);
    for (let b = 0; b < count; b++) {
      const r = first + b, pixels = digits[Math.floor(r / views)], view = r % views;
      const input = view === 0 ? pixels : viewOf(pixels, view - 1);
      network.input.set(input.subarray(0, size), b * size);
    }
    const probabilities = network.forward(count);
    const power = 1 / network.readout.temperature;
    for (let b = 0; b < count; b++) {
      const digit = Math.floor((first + b) / views), view = (first + b) % views;
      const row = probabilities.subarray(b * classes, (b + 1) * classes);
      // softmax(z / T) as `predict` gives it, from softmax(z): p^(1/T), renormalized.
      let total = 1;
      if (power !== 1) {
        total = 0;
        for (let d = 0; d < classes; d++) total += row[d] ** power;
      }
      const weight = views > 1 && view === 0 ? asIs : 1;
      const sum = sums[digit];
      const own = twoParts && view === 0 ? asIsRows[digit] : undefined;
      for (let d = 0; d < classes; d++) {
        const p = (power === 1 ? row[d] : row[d] ** power) / total;
        sum[d] += weight * p;
        if (own) own[d] = p;
      }
    }
  }
  const weights = views > 1 ? views - 1 + asIs : 1;
  const averages = sums.map((sum) => sum.map((v) => v / weights));
  if (!twoParts) return averages;
  return averages.map((read, i) => whichFromAsIs(asIsRows[i], read));
}

/**
 * The two-part reading of one digit: p(not a digit) from `average` (the views'), the rest
 * shared among the ten digits as `asIs` shares it (`digitsOverTen`).
 */
function whichFromAsIs(asIs: Float32Array, average: Float32Array): Float32Array {
  let digitTotal = 0;
  for (let d = 0; d < DIGIT_CLASSES; d++) digitTotal += average[d];
  const read = new Float32Array(average.length);
  read.set(digitsOverTen(asIs));
  // All ten of the average underflowed too: keep the shares (their sum is then not 1 - p).
  if (digitTotal > 0) { for (let d = 0; d < DIGIT_CLASSES; d++) read[d] *= digitTotal; }
  read[NOT_A_DIGIT_OUTPUT] = average[NOT_A_DIGIT_OUTPUT];
  return read;
}
