import assert from "node:assert/strict";
import { integratedGradients } from "./attribution.ts";
import { parseLayerSpec } from "./layer_spec.ts";
import { Network } from "./network.ts";
import { Random } from "./random.ts";

function sum(values: Float32Array): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

Deno.test("integrated gradients add up to the score's change, through conv and pool", () => {
  const architecture = parseLayerSpec("conv3x4,pool,dense12", { inputShape: [8, 8, 1] });
  const network = new Network(architecture, { seed: 3, inputGradient: true, maxBatch: 16 });
  const rng = new Random(9);
  const pixels = new Float32Array(64).map(() => (rng.next() < 0.4 ? rng.next() : 0));
  const result = integratedGradients(network, pixels, undefined, { tolerance: 0.001 });
  const change = result.score - result.baselineScore;
  assert.ok(Math.abs(sum(result.attribution) - change) <= 0.01 * Math.abs(change));
  assert.ok(result.completenessError <= 0.01);
  pixels.forEach((p, i) => {
    if (p === 0) assert.ok(result.attribution[i] === 0, `pixel ${i} has no ink`);
  });
});

Deno.test("integrated gradients explain the asked digit, not only the guess", () => {
  const network = new Network({ layerSizes: [20, 12, 10], activation: "relu" }, {
    seed: 5,
    inputGradient: true,
    maxBatch: 8,
  });
  const pixels = new Float32Array(20).fill(0.5);
  const guess = integratedGradients(network, pixels);
  const other = integratedGradients(network, pixels, (guess.digit + 1) % 10);
  assert.equal(other.digit, (guess.digit + 1) % 10);
  assert.notDeepEqual(other.attribution, guess.attribution);
});
