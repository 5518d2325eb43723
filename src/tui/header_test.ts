import assert from "node:assert/strict";
import type { LoadedModel } from "../app/load_model.ts";
import type { NetworkModelInfo } from "../train/checkpoint.ts";
import { Network, parseLayerSpec } from "../network/mod.ts";
import { visibleWidth } from "../text/layout.ts";
import { dataLabelFor, describeModelShort, renderHeader } from "./header.ts";

const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, { seed: 1 });
const trained = (path: string): LoadedModel => ({
  network,
  path,
  random: false,
  info: {
    activation: "relu",
    layerSizes: [784, 16, 10],
    inputShape: [...network.inputShape],
    layers: [...network.layers],
    testAccuracy: 0.9712,
    position: { epochsDone: 4, stepInEpoch: 0 },
  } as unknown as NetworkModelInfo,
});

Deno.test("describeModelShort: path, sizes, epochs and accuracy; shorter when narrow", () => {
  assert.equal(
    describeModelShort(trained("models/default.safetensors")),
    "models/default.safetensors · 784-16-10 relu · 4 epochs · test 97.12%",
  );
  assert.match(
    describeModelShort(trained("models/pretrained.safetensors")),
    /^shipped pretrained model \(models\/pretrained\.safetensors\)/,
  );
  assert.equal(
    describeModelShort(trained("/a/very/long/folder/name/mine.safetensors"), 40),
    "mine.safetensors · 784-16-10 · 4 epochs · 97.12%",
  );
  assert.match(
    describeModelShort({ network, random: true, randomReason: "no model file at x" }),
    /^random network 784-16-10 \(untrained: ~10% accuracy\) - no model file at x$/,
  );
});

Deno.test("describeModelShort: a CNN by its layer list, by its preset's name when narrow", () => {
  const cnn = new Network(parseLayerSpec("cnn"), { seed: 1, maxBatch: 1 });
  const model: LoadedModel = {
    network: cnn,
    path: "models/cnn.safetensors",
    random: false,
    info: {
      activation: "relu",
      layerSizes: [...cnn.layerSizes],
      inputShape: [...cnn.inputShape],
      layers: [...cnn.layers],
      testAccuracy: 0.9921,
      position: { epochsDone: 3, stepInEpoch: 0 },
    } as unknown as NetworkModelInfo,
  };
  assert.equal(
    describeModelShort(model),
    "models/cnn.safetensors · cnn: conv5x32,pool,conv5x64,pool,dense128,dropout0.5 relu · " +
      "3 epochs · test 99.21%",
  );
  assert.equal(
    describeModelShort(model, 60),
    "models/cnn.safetensors · cnn · 3 epochs · 99.21%",
  );
  assert.match(
    describeModelShort({ network: cnn, random: true, randomReason: "no model file at x" }),
    /^random network cnn \(untrained: ~10% accuracy\)/,
  );
});

Deno.test("dataLabelFor: the sample is labeled as such, missing data says how to get it", () => {
  assert.match(dataLabelFor({ sample: true }).text, /^SAMPLE: 10,000-digit offline sample/);
  const missing = dataLabelFor({}, () => ({
    dir: "data",
    origin: "default",
    exists: false,
    complete: false,
    missing: [],
    paths: {},
    checked: ["data"],
  }));
  assert.equal(missing.missing, true);
  assert.match(missing.text, /MNIST not found in data: Train or Test offers to download it/);
});

Deno.test("renderHeader: two lines within the width; no escape codes without color", () => {
  const lines = renderHeader(
    trained("models/default.safetensors"),
    dataLabelFor({ sample: true }),
    50,
    "none",
  );
  assert.equal(lines.length, 2);
  assert.ok(lines.every((line) => visibleWidth(line) <= 50 && !line.includes("\x1b")));
  assert.match(lines[0], /^model: /);
  assert.match(lines[1], /^data: +SAMPLE/);
});
