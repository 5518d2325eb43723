import assert from "node:assert/strict";
import { Network } from "../network/network.ts";
import { networkScorer } from "./read_number.ts";

Deno.test("the number reader counts p(not a digit) apart only for a model read in two parts", () => {
  const network = new Network({ layerSizes: [784, 16, 11], activation: "relu" }, { seed: 2 });
  const pieces = [new Float32Array(784).fill(0.4), new Float32Array(784).fill(0.1)];
  const [older] = networkScorer(network)(pieces);
  // its confidence is a share of the eleven-way softmax: it already holds 1 - p(not a digit)
  assert.equal(older.notDigit, undefined);
  network.readout = { temperature: 1, refuseBelow: 0.3, refusalScore: "digitShare" };
  const [twoParts] = networkScorer(network)(pieces);
  assert.equal(twoParts.notDigit, twoParts.prediction.notADigit);
  assert.ok(twoParts.notDigit! > 0);
  // the path score log(q) + log(1 - p(not a digit)) is the old share's log: the same product
  const share = older.prediction.confidence;
  const product = twoParts.prediction.confidence * (1 - twoParts.notDigit!);
  assert.ok(Math.abs(share - product) < 1e-6);
});
