import assert from "node:assert/strict";
import { DIGIT_CLASSES, Network } from "../network/mod.ts";
import { evaluateNetwork } from "./evaluate.ts";
import { syntheticDigits } from "./test_data.ts";

Deno.test("a model read in two parts is as sure of its guess as the ten digits renormalized say", () => {
  const network = new Network({ layerSizes: [784, 16, 11], activation: "relu" }, {
    seed: 3,
    maxBatch: 32,
  });
  // A large bias on "not a digit": its share of the eleven-way softmax dwarfs the digits'.
  network.biases.at(-1)![DIGIT_CLASSES] = 4;
  const digits = syntheticDigits(64);
  network.readout = { temperature: 1.5, refuseBelow: 0.3, refusalScore: "digitShare" };
  const twoParts = evaluateNetwork(network, digits);
  network.readout = { temperature: 1.5, refuseBelow: 0.3 };
  const shares = evaluateNetwork(network, digits);
  for (let i = 0; i < digits.count; i++) {
    const row = twoParts.probabilities!.subarray(i * 11, i * 11 + DIGIT_CLASSES);
    // softmax(log p / T) over the ten digits alone
    const scaled = Array.from(row, (p) => Math.exp(Math.log(p) / 1.5));
    const sum = scaled.reduce((a, b) => a + b, 0);
    const expected = scaled[twoParts.predictions[i]] / sum;
    assert.ok(Math.abs(twoParts.confidences[i] - expected) < 1e-5, `row ${i}`);
    assert.ok(twoParts.confidences[i] >= 1 / DIGIT_CLASSES - 1e-6);
    // Read as a share of all eleven, the same guess looks far less sure.
    assert.ok(shares.confidences[i] < twoParts.confidences[i]);
  }
});
