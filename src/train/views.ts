/**
 * How a user's digit is read: a network with convolutions reads it in several views and
 * averages the probabilities; a dense one reads it as it is. Shared by the classify path
 * (src/app/predict.ts), by the refusal threshold chosen after training (refusal.ts), so the
 * threshold is chosen on the very numbers `classify` compares with it, and by the ONNX export
 * (src/export/onnx.ts), whose graph averages the same views.
 */
import { affineSampling, applySampling } from "../image/affine.ts";
import type { Network } from "../network/network.ts";

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
 * CNN does), so it reads the digit as it is.
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
 * real digit read alone keeps the views' vote (3 of 5).
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
 * The probabilities [10] (with the network's readout temperature) for a user's normalized
 * digit of 784 values in 0..1: the average over the digit (counted `readout.asIsWeight` times)
 * and its VIEWS for a network with convolutions, the digit alone for a dense one.
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
  const average = viewAverage(network);
  if (average === null) return network.predict(pixels);
  const { views, asIsWeight } = average;
  const sum = Float32Array.from(network.predict(pixels), (p) => asIsWeight * p);
  for (let v = 0; v < views.length; v++) {
    const p = network.predict(viewOf(pixels, v));
    for (let d = 0; d < sum.length; d++) sum[d] += p[d];
  }
  return sum.map((v) => v / (views.length + asIsWeight));
}

/**
 * `readUserDigit` for many digits at once, in as few forward passes as the network's batch
 * allows (reading a number scores dozens of candidate pieces): the same probabilities.
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
      const sum = sums[Math.floor((first + b) / views)];
      const row = probabilities.subarray(b * classes, (b + 1) * classes);
      const weight = views > 1 && (first + b) % views === 0 ? asIs : 1;
      if (power === 1) {
        for (let d = 0; d < classes; d++) sum[d] += weight * row[d];
        continue;
      }
      // softmax(z / T) as `predict` gives it, from softmax(z): p^(1/T), renormalized.
      let total = 0;
      for (let d = 0; d < classes; d++) total += row[d] ** power;
      for (let d = 0; d < classes; d++) sum[d] += weight * row[d] ** power / total;
    }
  }
  const weights = views > 1 ? views - 1 + asIs : 1;
  return sums.map((sum) => sum.map((v) => v / weights));
}
