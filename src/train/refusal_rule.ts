/**
 * The confidence under which a loaded model answers "not a digit": what `classify`, Draw,
 * `serve`, the library and the ONNX export all compare a digit's calibrated (four-view, for a
 * CNN) confidence with. One rule, so that an exported file refuses what the app refuses.
 *
 * A model with the "not a digit" output calibrated for it (`readout.refusalScore`
 * "digitShare") is read in two parts: which digit, from the ten digits' probabilities
 * renormalized over the ten, and whether it is one, from 1 - p(not a digit), the score its
 * threshold was chosen on.
 */
import {
  bestDigit,
  DIGIT_CLASSES,
  hasNotADigitOutput,
  type Network,
  NOT_A_DIGIT_OUTPUT,
} from "../network/network.ts";

/**
 * For models without a learned refusal (older files): below this confidence the network sees
 * no digit at all: the ink passed normalizing's rules (strokes, one piece) but is an outline
 * of a thing. Measured: the lowest
 * confidence on the 235 real digits is 0.61 with the shipped CNN (0.57 with an earlier one, 0.46
 * with the dense network) and 1 of MNIST's first 3,000 test digits falls under 0.5; the earlier
 * CNN gave drawn scenes that pass the ink rules 0.37-0.51. Only a CNN's four-view average is
 * measured and calibrated so; a dense network (and an untrained one) answers whatever it makes
 * of the ink.
 */
export const MIN_DIGIT_CONFIDENCE = 0.45;

/**
 * The threshold a model refuses under: the one it learned (`readout.refuseBelow`, chosen on
 * held-out data after training, src/train/refusal.ts); else MIN_DIGIT_CONFIDENCE for a CNN;
 * else none (null).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network, parseLayerSpec } from "../network/mod.ts";
 * import { refusalThreshold } from "./refusal_rule.ts";
 *
 * const dense = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, { seed: 1 });
 * assert.equal(refusalThreshold(dense), null);
 * const cnn = new Network(parseLayerSpec("conv3x4,pool"), { seed: 1 });
 * assert.equal(refusalThreshold(cnn), 0.45);
 * cnn.readout = { temperature: 1.2, refuseBelow: 0.23 };
 * assert.equal(refusalThreshold(cnn), 0.23);
 * ```
 */
export function refusalThreshold(network: Network): number | null {
  if (network.readout.refuseBelow !== null) return network.readout.refuseBelow;
  const convolutional = network.layers.some((layer) => layer.kind === "conv");
  return convolutional ? MIN_DIGIT_CONFIDENCE : null;
}

/**
 * Whether `network` is read in two parts (an eleven-output model calibrated with
 * `refusalScore: "digitShare"`): its digits' probabilities renormalized over the ten, and its
 * refusal on 1 - p(not a digit). False for ten-output models and for older eleven-output files,
 * read as the eleven-way softmax's digit shares.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "../network/mod.ts";
 * import { readsDigitShare } from "./refusal_rule.ts";
 *
 * const network = new Network({ layerSizes: [784, 16, 11], activation: "relu" }, { seed: 1 });
 * assert.equal(readsDigitShare(network), false); // not calibrated for it
 * network.readout = { temperature: 1, refuseBelow: 0.3, refusalScore: "digitShare" };
 * assert.equal(readsDigitShare(network), true);
 * ```
 */
export function readsDigitShare(network: Network): boolean {
  return network.readout.refusalScore === "digitShare" &&
    hasNotADigitOutput(network.layerSizes[network.layerSizes.length - 1]);
}

/**
 * The score a digit's probabilities (`readUserDigit`'s, 10 or 11 of them) are refused on, when
 * under `refusalThreshold`: 1 - p(not a digit) for a model read in two parts
 * (`readsDigitShare`), else the best digit's probability.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "../network/mod.ts";
 * import { refusalScore } from "./refusal_rule.ts";
 *
 * const network = new Network({ layerSizes: [784, 16, 11], activation: "relu" }, { seed: 1 });
 * const read = Float32Array.from([0.05, 0.3, 0, 0, 0, 0, 0, 0.05, 0, 0, 0.6]);
 * assert.ok(Math.abs(refusalScore(network, read) - 0.3) < 1e-6); // the best digit's share
 * network.readout = { temperature: 1, refuseBelow: 0.3, refusalScore: "digitShare" };
 * assert.ok(Math.abs(refusalScore(network, read) - 0.4) < 1e-6); // 1 - p(not a digit)
 * ```
 */
export function refusalScore(network: Network, probabilities: Float32Array): number {
  return readingScore(network, {
    confidence: probabilities[bestDigit(probabilities, 0, probabilities.length)],
    notADigit: probabilities[NOT_A_DIGIT_OUTPUT],
  });
}

/**
 * The same score from a guess already read: 1 - `notADigit` for a model read in two parts,
 * else `confidence` (the best digit's probability as the model is read). The one rule
 * `refusalScore` and the app's refusal (`refuses`) share.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "../network/mod.ts";
 * import { readingScore } from "./refusal_rule.ts";
 *
 * const network = new Network({ layerSizes: [784, 16, 11], activation: "relu" }, { seed: 1 });
 * assert.equal(readingScore(network, { confidence: 0.9, notADigit: 0.75 }), 0.9);
 * network.readout = { temperature: 1, refuseBelow: 0.3, refusalScore: "digitShare" };
 * assert.equal(readingScore(network, { confidence: 0.9, notADigit: 0.75 }), 0.25);
 * ```
 */
export function readingScore(
  network: Network,
  reading: { confidence: number; notADigit?: number },
): number {
  return readsDigitShare(network) ? 1 - (reading.notADigit ?? 0) : reading.confidence;
}

/**
 * How many outputs a guess's confidence is read over: the ten digits for a model read in two
 * parts (their probabilities renormalized over the ten), else all of the network's outputs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "../network/mod.ts";
 * import { confidenceOutputs } from "./refusal_rule.ts";
 *
 * const network = new Network({ layerSizes: [784, 16, 11], activation: "relu" }, { seed: 1 });
 * assert.equal(confidenceOutputs(network), 11);
 * network.readout = { temperature: 1, refuseBelow: 0.3, refusalScore: "digitShare" };
 * assert.equal(confidenceOutputs(network), 10);
 * ```
 */
export function confidenceOutputs(network: Network): number {
  return readsDigitShare(network)
    ? DIGIT_CLASSES
    : network.layerSizes[network.layerSizes.length - 1];
}

/**
 * The ten digits' probabilities of `outputs` (10 or 11 of them) renormalized over the ten,
 * q_d = p_d / (p_0 + ... + p_9): which digit, whatever the ink's chance of being one. Where all
 * ten underflowed (the network is sure it is no digit), no digit is likelier: 1/10 each.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { digitsOverTen } from "./refusal_rule.ts";
 *
 * const q = digitsOverTen(Float32Array.from([0.1, 0.3, 0, 0, 0, 0, 0, 0, 0, 0, 0.6]));
 * assert.ok(Math.abs(q[1] - 0.75) < 1e-6);
 * // sure it is no digit: all ten underflowed, 1/10 each
 * assert.ok(digitsOverTen(new Float32Array(11)).every((q) => Math.abs(q - 0.1) < 1e-7));
 * ```
 */
export function digitsOverTen(outputs: Float32Array): Float32Array {
  const digits = outputs.slice(0, DIGIT_CLASSES);
  let share = 0;
  for (let d = 0; d < DIGIT_CLASSES; d++) share += digits[d];
  for (let d = 0; d < DIGIT_CLASSES; d++) {
    digits[d] = share > 0 ? digits[d] / share : 1 / DIGIT_CLASSES;
  }
  return digits;
}
