import assert from "node:assert/strict";
import { Network } from "../network/network.ts";
import { DigitExplainer } from "./inspect_model.ts";

Deno.test("inspect words an eleven-output model's guess as classify does: over the ten digits in two parts", () => {
  const network = new Network({ layerSizes: [784, 16, 11], activation: "relu" }, { seed: 3 });
  for (let i = 0; i < network.biases.at(-1)!.length; i++) network.biases.at(-1)![i] = i / 4;
  const pixels = new Float32Array(784).fill(0.3);
  const older = new DigitExplainer(network).look(pixels);
  const p = older.probabilities; // [11], the softmax
  assert.equal(older.prediction.confidence, p[older.prediction.digit]);
  assert.equal(older.prediction.notADigit, undefined);
  network.readout = { temperature: 1, refuseBelow: 0.3, refusalScore: "digitShare" };
  const look = new DigitExplainer(network).look(pixels);
  const digitShare = p.subarray(0, 10).reduce((sum, v) => sum + v, 0);
  assert.ok(Math.abs(look.prediction.confidence - p[look.prediction.digit] / digitShare) < 1e-6);
  assert.equal(look.prediction.notADigit, p[10]);
});
