import assert from "node:assert/strict";
import { Network } from "../network/network.ts";
import { classifyPixels, confidenceCaption, type Prediction, sureness } from "./predict.ts";

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
