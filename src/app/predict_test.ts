import assert from "node:assert/strict";
import { Network } from "../network/network.ts";
import { parseLayerSpec } from "../network/mod.ts";
import { Random } from "../network/random.ts";
import { readUserDigit } from "../train/views.ts";
import {
  classifyPixels,
  classifyUserDigit,
  classifyUserDigits,
  confidenceCaption,
  type Prediction,
  sureness,
} from "./predict.ts";

const prediction = (probabilities: number[]): Prediction => {
  const p = Float32Array.from(probabilities);
  const order = [...p.keys()].sort((a, b) => p[b] - p[a]);
  return { probabilities: p, digit: order[0], confidence: p[order[0]], runnerUp: order[1] };
};

Deno.test("classifyPixels picks the most likely digit and the runner-up", () => {
  const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, { seed: 3 });
  const pixels = new Float32Array(784).map((_, i) => (i % 7) / 7);
  const result = classifyPixels(network, pixels);
  const p = result.probabilities;
  assert.equal(p.length, 10);
  assert.ok(Math.abs(p.reduce((s, v) => s + v, 0) - 1) < 1e-5);
  const sorted = [...p].sort((a, b) => b - a);
  assert.equal(result.confidence, sorted[0]);
  assert.equal(p[result.digit], sorted[0]);
  assert.equal(p[result.runnerUp], sorted[1]);
  assert.notEqual(result.digit, result.runnerUp);
});

Deno.test("confidence wording: sure, probably, not sure with both candidates", () => {
  assert.equal(sureness(0.95), "sure");
  assert.equal(sureness(0.9), "sure");
  assert.equal(sureness(0.7), "probably");
  assert.equal(sureness(0.3), "unsure");
  const sure = prediction([0.01, 0, 0, 0, 0, 0, 0, 0.982, 0.008, 0]);
  assert.equal(confidenceCaption(sure), "It's a 7 (98.2%)");
  const probably = prediction([0, 0.2, 0, 0, 0, 0, 0, 0.71, 0.09, 0]);
  assert.equal(confidenceCaption(probably), "Probably a 7 (71.0%)");
  const unsure = prediction([0, 0.381, 0, 0, 0, 0, 0, 0.45, 0.169, 0]);
  assert.equal(confidenceCaption(unsure), "Not sure: 7 (45.0%) or 1 (38.1%)");
});

/** A small CNN with the "not a digit" output and biases that make its outputs differ. */
function elevenOutputCnn(): Network {
  const network = new Network(parseLayerSpec("conv3x4,pool,dense16", { classes: 11 }), {
    seed: 8,
    maxBatch: 8,
  });
  const rng = new Random(9);
  for (const bias of network.biases) {
    for (let i = 0; i < bias.length; i++) bias[i] = rng.gaussian();
  }
  return network;
}

Deno.test("an eleven-output model read in two parts: which digit over the ten, not a digit apart", () => {
  const network = elevenOutputCnn();
  network.readout = {
    temperature: 0.8,
    refuseBelow: 0.5,
    asIsWeight: 2,
    refusalScore: "digitShare",
  };
  const pixels = new Float32Array(784).map((_, i) => (i % 5) / 5);
  const outputs = readUserDigit(network, pixels); // [11]: p(not a digit) the views averaged
  const guess = classifyUserDigit(network, pixels);
  assert.equal(guess.probabilities.length, 10);
  const total = guess.probabilities.reduce((sum, p) => sum + p, 0);
  assert.ok(Math.abs(total - 1) < 1e-6, `sums to ${total}`);
  const digitShare = 1 - outputs[10];
  for (let d = 0; d < 10; d++) {
    assert.ok(Math.abs(guess.probabilities[d] - outputs[d] / digitShare) < 1e-6);
  }
  assert.equal(guess.notADigit, outputs[10]);
  assert.equal(guess.confidence, Math.max(...guess.probabilities));
  // the batched reading and a single view (Browse, the library) split the same way
  const [batched] = classifyUserDigits(network, [pixels]);
  assert.ok(Math.abs(batched.confidence - guess.confidence) < 1e-6);
  const single = classifyPixels(network, pixels);
  assert.ok(Math.abs(single.probabilities.reduce((sum, p) => sum + p, 0) - 1) < 1e-6);
});

Deno.test("an eleven-output model calibrated before the two-part reading reads as it did", () => {
  const network = elevenOutputCnn();
  network.readout = { temperature: 0.8, refuseBelow: 0.5, asIsWeight: 2 };
  const pixels = new Float32Array(784).map((_, i) => (i % 5) / 5);
  const outputs = readUserDigit(network, pixels);
  const guess = classifyUserDigit(network, pixels);
  assert.deepEqual([...guess.probabilities], [...outputs.subarray(0, 10)]);
  assert.equal(guess.notADigit, outputs[10]);
});
