/**
 * Integrated gradients on the shipped CNN (src/network/attribution.ts is tested there on small
 * networks): on the offline sample's test digits they add up to the score's change within 1%
 * and their strongest pixels lie on or next to the ink. Here because it loads a model file
 * (src/train), which src/network must not import.
 */
import assert from "node:assert/strict";
import { loadSampleData } from "../src/data/sample.ts";
import { integratedGradients } from "../src/network/attribution.ts";
import { withInputGradient } from "../src/network/saliency.ts";
import { loadNetworkModel } from "../src/train/checkpoint.ts";
import { SHIPPED_MODEL } from "./env.ts";

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
