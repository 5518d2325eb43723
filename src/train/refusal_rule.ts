/**
 * The confidence under which a loaded model answers "not a digit": what `classify`, Draw,
 * `serve`, the library and the ONNX export all compare a digit's calibrated (four-view, for a
 * CNN) confidence with. One rule, so that an exported file refuses what the app refuses.
 */
import type { Network } from "../network/network.ts";

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
