import assert from "node:assert/strict";
import type { Dataset } from "../data/dataset.ts";
import { grayImage, normalizeDigit } from "../image/mod.ts";
import { defaultOptimizerSettings, Network, parseLayerSpec } from "../network/mod.ts";
import { Random } from "../network/random.ts";
import {
  digitColumns,
  fitTemperature,
  logProbabilities,
  parseModelCalibration,
} from "./calibration.ts";
import { loadNetworkModel, saveNetworkModel } from "./checkpoint.ts";
import { calibrateModel, DIGIT_REFUSAL_BUDGET } from "./refusal.ts";
import { harrellDavisQuantile } from "./quantile.ts";
import { readsDigitShare, refusalScore } from "./refusal_rule.ts";
import { readUserDigit } from "./views.ts";
import { inTempDir } from "../../tests/env.ts";

/** `count` upright bars of varying place and width (normalizeDigit takes them as 1s), labels 0..9. */
function barDigits(count: number): Dataset {
  const pixels = new Uint8Array(count * 784);
  const rng = new Random(4);
  for (let i = 0; i < count; i++) {
    const left = 8 + rng.int(8), width = 2 + rng.int(3), top = 4 + rng.int(4);
    for (let y = top; y < top + 18; y++) {
      for (let x = left; x < left + width; x++) pixels[i * 784 + y * 28 + x] = 200 + rng.int(55);
    }
  }
  return { pixels, labels: new Uint8Array(count).map((_, i) => i % 10), count };
}

/** A small CNN with the "not a digit" output and biases that make its outputs differ. */
function elevenOutputCnn(): Network {
  const network = new Network(parseLayerSpec("conv3x4,pool,dense16", { classes: 11 }), {
    seed: 8,
    maxBatch: 16,
  });
  const rng = new Random(9);
  for (const bias of network.biases) {
    for (let i = 0; i < bias.length; i++) bias[i] = rng.gaussian();
  }
  return network;
}

/** A digit of a Dataset as `classify` reads a file of it: normalized. */
function normalized(digits: Dataset, i: number): Float32Array {
  const luminance = Float32Array.from(
    digits.pixels.subarray(i * 784, (i + 1) * 784),
    (v) => v / 255,
  );
  const digit = normalizeDigit(grayImage(28, 28, luminance));
  assert.ok(digit.found);
  return digit.pixels;
}

Deno.test("calibrating an eleven-output model: temperature on its ten digits, threshold on 1 - p(not a digit)", () => {
  const network = elevenOutputCnn();
  const digits = barDigits(40);
  const negatives = { pixels: new Float32Array(4 * 784).fill(0.3), count: 4 };
  const calibration = calibrateModel(network, digits, negatives);
  assert.equal(calibration.refusalScore, "digitShare");
  assert.equal(network.readout.refusalScore, "digitShare");

  // The temperature minimizes the NLL of the ten-way softmax of the digits' logits. Labelled
  // with the network's own guess 3 times in 4, so that the NLL has its minimum inside the range.
  network.readout = { temperature: 1, refuseBelow: null };
  network.input.set(Float32Array.from(digits.pixels.subarray(0, 16 * 784), (v) => v / 255));
  const rows = network.forward(16).slice();
  const labels = new Uint8Array(16).map((_, r) => {
    const row = rows.subarray(r * 11, r * 11 + 10);
    const best = row.indexOf(Math.max(...row));
    return r % 4 === 0 ? (best + 1) % 10 : best;
  });
  const tenWay = fitTemperature(digitColumns(logProbabilities(rows), 11, 10), labels, 10);
  const elevenWay = fitTemperature(logProbabilities(rows), labels, 11);
  const again = calibrateModel(network, { pixels: digits.pixels, labels, count: 16 });
  assert.ok(Math.abs(again.temperature - tenWay) < 1e-3, `${again.temperature} vs ${tenWay}`);
  assert.ok(Math.abs(tenWay - elevenWay) > 1e-2, `${tenWay} ${elevenWay}`); // they differ here

  // The threshold is the 0.2% quantile (Harrell-Davis) of the 40 digit shares 1 - p_10.
  calibrateModel(network, digits, negatives);
  const shares: number[] = [];
  const tops: number[] = [];
  for (let i = 0; i < digits.count; i++) {
    const p = readUserDigit(network, normalized(digits, i));
    shares.push(1 - p[10]);
    tops.push(Math.max(...p.subarray(0, 10)));
  }
  const quantile = (scores: number[]) =>
    harrellDavisQuantile([...scores].sort((a, b) => a - b), DIGIT_REFUSAL_BUDGET);
  assert.ok(Math.abs(calibration.refuseBelow! - quantile(shares)) < 1e-6);
  assert.ok(Math.abs(quantile(tops) - quantile(shares)) > 1e-3); // not the old score
});

Deno.test("calibrating a ten-output model records no refusalScore: it reads as before", () => {
  const network = new Network(parseLayerSpec("conv3x4,pool,dense16"), { seed: 8, maxBatch: 16 });
  const calibration = calibrateModel(network, barDigits(20), {
    pixels: new Float32Array(2 * 784).fill(0.3),
    count: 2,
  });
  assert.equal("refusalScore" in calibration, false);
  assert.equal(network.readout.refusalScore, undefined);
});

Deno.test(
  "a model file says which reading its threshold belongs to; a file without it reads the old way",
  inTempDir("digits-refusal-rule-", async (work) => {
    const network = elevenOutputCnn();
    const digits = barDigits(20);
    const calibration = calibrateModel(network, digits, {
      pixels: new Float32Array(2 * 784).fill(0.3),
      count: 2,
    });
    const info = {
      layerSizes: [...network.layerSizes],
      activation: network.activation,
      inputShape: [...network.inputShape],
      layers: network.layers.map((layer) => ({ ...layer })),
      optimizer: defaultOptimizerSettings("adam"),
      optimizerStep: 0,
      optimizerState: false,
      plan: null,
      position: { epochsDone: 1, stepInEpoch: 0 },
      seed: 8,
      dataSource: "sample" as const,
      testAccuracy: 0.5,
      history: [],
      command: "",
      createdAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-01-01T00:00:00.000Z",
    };
    await saveNetworkModel(`${work}/now.safetensors`, { network, info: { ...info, calibration } });
    const { refusalScore: _, ...before } = calibration;
    await saveNetworkModel(`${work}/before.safetensors`, {
      network,
      info: { ...info, calibration: before },
    });
    const now = await loadNetworkModel(`${work}/now.safetensors`, { maxBatch: 8 });
    const older = await loadNetworkModel(`${work}/before.safetensors`, { maxBatch: 8 });
    assert.equal(now.network.readout.refusalScore, "digitShare");
    assert.equal(readsDigitShare(now.network), true);
    assert.equal(older.network.readout.refusalScore, undefined);
    assert.equal(readsDigitShare(older.network), false);
    const p = readUserDigit(older.network, normalized(digits, 0));
    assert.equal(refusalScore(older.network, p), Math.max(...p.subarray(0, 10)));
    assert.equal(refusalScore(now.network, p), 1 - p[10]);
    // anything else in the field is not a calibration this version can read
    assert.equal(parseModelCalibration({ ...calibration, refusalScore: "top" }), undefined);
  }),
);
