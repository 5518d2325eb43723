/**
 * The digits `train --font-digits` adds are digits: a network that never saw any (the dense
 * network shipped beside the CNN, trained on MNIST alone) reads most of them as their labels.
 * If a rendering or a label went wrong, it would not.
 */
import assert from "node:assert/strict";
import { IMAGE_PIXELS } from "../src/data/dataset.ts";
import { makeFontDigits } from "../src/negatives/font_digits.ts";
import { loadNetworkModel } from "../src/train/checkpoint.ts";
import { readUserDigit } from "../src/train/views.ts";
import { PROJECT_ROOT } from "./env.ts";

const MNIST_ONLY_MODEL = `${PROJECT_ROOT}/models/pretrained_mlp.safetensors`;

Deno.test("a network trained on MNIST alone reads the font digits as their labels", async () => {
  const { network } = await loadNetworkModel(MNIST_ONLY_MODEL, { maxBatch: 1 });
  const digits = await makeFontDigits(200, 11);
  let right = 0;
  for (let i = 0; i < digits.count; i++) {
    const pixels = Float32Array.from(
      digits.pixels.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS),
      (v) => v / 255,
    );
    const p = readUserDigit(network, pixels);
    if (p.indexOf(Math.max(...p)) === digits.labels[i]) right++;
  }
  assert.ok(right >= 170, `a network of MNIST alone reads ${right} of 200 font digits as labelled`);
});
