import assert from "node:assert/strict";
import { loadSampleData } from "../data/sample.ts";
import { loadNetworkModel } from "../train/checkpoint.ts";
import { integratedGradients } from "./attribution.ts";
import { parseLayerSpec } from "./layer_spec.ts";
import { Network } from "./network.ts";
import { Random } from "./random.ts";
import { withInputGradient } from "./saliency.ts";

const SHIPPED_MODEL = new URL("../../models/pretrained.safetensors", import.meta.url).pathname;

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

Deno.test("the shipped CNN: attributions add up within 1% and lie on the strokes", async () => {
  const { network } = await loadNetworkModel(SHIPPED_MODEL, { maxBatch: 64 });
  const explainer = withInputGradient(network, { maxBatch: 64 });
  const { test } = await loadSampleData();
  const digits = 20;
  let onOrNextToInk = 0, strongest = 0;
  for (let d = 0; d < digits; d++) {
    const pixels = Float32Array.from(test.pixels.subarray(d * 784, (d + 1) * 784), (v) => v / 255);
    const result = integratedGradients(explainer, pixels);
    assert.ok(result.completenessError <= 0.01, `digit ${d}: ${result.completenessError}`);
    const order = [...result.attribution.keys()]
      .sort((a, b) => Math.abs(result.attribution[b]) - Math.abs(result.attribution[a]))
      .slice(0, 40);
    for (const i of order) {
      const [y, x] = [Math.floor(i / 28), i % 28];
      let near = false;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const yy = y + dy, xx = x + dx;
          if (yy >= 0 && yy < 28 && xx >= 0 && xx < 28 && pixels[yy * 28 + xx] > 0.1) near = true;
        }
      }
      if (near) onOrNextToInk++;
      strongest++;
    }
  }
  assert.ok(onOrNextToInk / strongest >= 0.9, `${onOrNextToInk} of ${strongest} near ink`);
});
