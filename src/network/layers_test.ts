import assert from "node:assert/strict";
import { checkGradients, fillRandom } from "./gradient_check_testing.ts";
import type { Activation } from "./activations.ts";
import type { LayeredArchitecture, LayerSpec } from "./layer_spec.ts";
import { parseLayerSpec } from "./layer_spec.ts";
import { Network } from "./network.ts";
import { defaultOptimizerSettings, type OptimizerKind } from "./optimizer.ts";
import { Random } from "./random.ts";
import { networkTensors, restoreNetworkTensors } from "./tensors.ts";
import { createWasmKernels } from "./wasm/kernels.ts";

const small = (layers: LayerSpec[], inputShape = [6, 6, 2]): LayeredArchitecture => ({
  inputShape,
  layers: [...layers, { kind: "dense", units: 3, activation: "softmax" }],
});

const GRADIENT_CASES: Array<[string, LayeredArchitecture]> = [
  [
    "conv same (tanh)",
    small([{ kind: "conv", kernel: 3, channels: 4, padding: "same", activation: "tanh" }]),
  ],
  [
    "conv valid (sigmoid)",
    small([{ kind: "conv", kernel: 3, channels: 3, padding: "valid", activation: "sigmoid" }]),
  ],
  [
    "conv 5x5 same, 1 channel in (tanh)",
    small([{ kind: "conv", kernel: 5, channels: 2, padding: "same", activation: "tanh" }], [
      7,
      5,
      1,
    ]),
  ],
  [
    "conv 1x1 (tanh)",
    small([{ kind: "conv", kernel: 1, channels: 2, padding: "same", activation: "tanh" }]),
  ],
  [
    "conv into conv (tanh)",
    small([
      { kind: "conv", kernel: 3, channels: 3, padding: "same", activation: "tanh" },
      { kind: "conv", kernel: 3, channels: 2, padding: "valid", activation: "tanh" },
    ]),
  ],
  ["max pool, odd size", small([{ kind: "pool" }], [5, 7, 2])],
  [
    "conv, pool, flatten, dense",
    small([
      { kind: "conv", kernel: 3, channels: 2, padding: "same", activation: "tanh" },
      { kind: "pool" },
      { kind: "flatten" },
      { kind: "dense", units: 4, activation: "sigmoid" },
    ]),
  ],
  [
    "dense, dropout",
    small([
      { kind: "dense", units: 6, activation: "tanh" },
      { kind: "dropout", rate: 0.5 },
    ]),
  ],
  [
    "dropout on the input, dense (relu)",
    small([
      { kind: "dropout", rate: 0.3 },
      { kind: "dense", units: 5, activation: "tanh" },
    ], [8]),
  ],
];

// From 8 input channels on, conv layers use the kernels that write no patch rows.
const FUSED_CASE = small([
  { kind: "conv", kernel: 3, channels: 5, padding: "same", activation: "tanh" },
  { kind: "pool" },
], [6, 5, 8]);

for (const [kernels, make] of [["ts", undefined], ["wasm", createWasmKernels]] as const) {
  Deno.test(`conv from 8 channels (${kernels} kernels without patch rows): backprop matches finite differences`, () => {
    assert.ok(checkGradients(FUSED_CASE, 3, 9, { zeroFraction: 0.2, kernels: make?.() }) > 0);
  });
}

for (const [name, architecture] of GRADIENT_CASES) {
  Deno.test(`${name}: backprop matches finite differences for parameters and inputs`, () => {
    // Exact zeros in the input exercise the kernels' zero skipping; max pooling has a kink
    // where two inputs tie, so it gets none.
    const zeroFraction = architecture.layers[0].kind === "pool" ? 0 : 0.2;
    const checked = checkGradients(architecture, 3, 7, { zeroFraction });
    assert.ok(checked > 0);
  });
}

Deno.test("a dense network as a layer list computes exactly what the dense network does", () => {
  const rng = new Random(5);
  for (const activation of ["relu", "tanh", "sigmoid"] as Activation[]) {
    const dense = new Network({ layerSizes: [784, 24, 16, 10], activation }, {
      seed: 3,
      maxBatch: 8,
    });
    const listed = new Network(parseLayerSpec("dense24,dense16", { activation }), {
      seed: 3,
      maxBatch: 8,
    });
    assert.deepEqual(listed.parameters.map((p) => p.name), dense.parameters.map((p) => p.name));
    assert.deepEqual(listed.layerSizes, dense.layerSizes);
    assert.deepEqual(listed.denseArchitecture, { layerSizes: [784, 24, 16, 10], activation });
    const settings = { ...defaultOptimizerSettings("adam"), weightDecay: 1e-3 };
    for (let step = 0; step < 5; step++) {
      fillRandom(dense.input.subarray(0, 8 * 784), rng, 0.8);
      listed.input.set(dense.input);
      const labels = new Uint8Array(8).map(() => rng.int(10));
      assert.deepEqual(
        listed.trainBatch(labels, 8, settings, 0.01),
        dense.trainBatch(labels, 8, settings, 0.01),
      );
    }
    for (let k = 0; k < dense.parameters.length; k++) {
      assert.deepEqual(listed.parameters[k].value, dense.parameters[k].value);
    }
  }
});

/** 16 random sparse "digits" and labels 0..9. */
function tinyBatch(): { images: Float32Array; labels: Uint8Array } {
  const rng = new Random(21);
  const images = new Float32Array(16 * 784);
  for (let i = 0; i < images.length; i++) images[i] = rng.next() < 0.8 ? 0 : rng.next();
  return { images, labels: new Uint8Array(16).map((_, i) => i % 10) };
}

for (const kind of ["sgd", "momentum", "adam"] as OptimizerKind[]) {
  Deno.test(`${kind}: a small CNN with dropout overfits a tiny batch to 100%`, () => {
    const net = new Network(parseLayerSpec("conv5x8,pool,conv3x8,pool,dense32,dropout0.25"), {
      seed: 2,
      maxBatch: 16,
      kernels: createWasmKernels(),
    });
    const { images, labels } = tinyBatch();
    const settings = defaultOptimizerSettings(kind);
    const inference = () => {
      net.input.set(images);
      net.forward(16);
      return net.evaluateLoss(labels);
    };
    for (let step = 0; step < 300 && inference().correct < 16; step++) {
      net.input.set(images);
      net.trainBatch(labels, 16, settings, settings.learningRate);
    }
    assert.equal(inference().correct, 16);
  });
}

/** Trains a small CNN with dropout for `steps` batches from `start` into `net`. */
function trainCnn(net: Network, start: number, steps: number): void {
  const settings = { ...defaultOptimizerSettings("adam"), weightDecay: 1e-4 };
  for (let step = start; step < start + steps; step++) {
    const rng = new Random(1000 + step); // the batch depends on the step only
    fillRandom(net.input.subarray(0, 8 * 784), rng, 0.8);
    const labels = new Uint8Array(8).map(() => rng.int(10));
    net.trainBatch(labels, 8, settings, 0.003);
  }
}

const CNN = parseLayerSpec("conv3x4,pool,dense16,dropout0.5");
const bytes = (values: Float32Array) =>
  new Uint8Array(values.buffer, values.byteOffset, values.byteLength);

Deno.test("a CNN with dropout trains bit-identically from the same seed, differently from another", () => {
  const runs = [1, 1, 2].map((seed) => {
    const net = new Network(CNN, { seed, maxBatch: 8, kernels: createWasmKernels() });
    trainCnn(net, 0, 10);
    return net.parameters.map((p) => p.value.slice());
  });
  for (let k = 0; k < runs[0].length; k++) assert.deepEqual(bytes(runs[1][k]), bytes(runs[0][k]));
  assert.notDeepEqual(runs[2][0], runs[0][0]);
});

Deno.test("a CNN resumed from its tensors, step and seed continues bit-identically", () => {
  const straight = new Network(CNN, { seed: 4, maxBatch: 8 });
  trainCnn(straight, 0, 12);
  const first = new Network(CNN, { seed: 4, maxBatch: 8 });
  trainCnn(first, 0, 5);
  // What a model file keeps: tensors (with the Adam moments), optimizerStep and seed.
  const tensors = new Map(networkTensors(first, "adam").map((t) => [t.name, t]));
  assert.deepEqual([...tensors.keys()].slice(0, 6), [
    "layers.0.weight",
    "layers.0.bias",
    "layers.2.weight",
    "layers.2.bias",
    "layers.4.weight",
    "layers.4.bias",
  ]);
  assert.deepEqual(tensors.get("layers.0.weight")!.shape, [4, 3, 3, 1]);
  assert.deepEqual(tensors.get("layers.2.weight")!.shape, [14 * 14 * 4, 16]);
  const resumed = new Network(CNN, { seed: first.seed, maxBatch: 8 });
  assert.equal(restoreNetworkTensors(resumed, tensors, "adam"), undefined);
  resumed.optimizerStep = first.optimizerStep;
  trainCnn(resumed, 5, 7);
  for (let k = 0; k < straight.parameters.length; k++) {
    assert.deepEqual(bytes(resumed.parameters[k].value), bytes(straight.parameters[k].value));
  }
});

Deno.test("dropout passes values through at inference and keeps about 1 - rate of them, scaled, in training", () => {
  const n = 4000;
  const net = new Network(small([{ kind: "dropout", rate: 0.5 }], [n]), {
    seed: 1,
    maxBatch: 1,
    inputGradient: true,
  });
  net.input.fill(1);
  const weight = net.parameters[0].value; // [n x 3]
  weight.fill(0);
  for (let i = 0; i < n; i++) weight[i * 3] = 1 / n; // logit 0 = mean of the dropout output
  net.parameters[1].value.fill(0);
  const logit0 = (p: Float32Array) => Math.log(p[0] / p[1]);
  assert.ok(Math.abs(logit0(net.forward(1)) - 1) < 1e-3);
  const training = logit0(net.forward(1, true));
  assert.ok(Math.abs(training - 1) < 0.1, `mean ${training}`);
  net.backward(new Uint8Array([0]));
  const grad = net.inputGrad!.subarray(0, n);
  const kept = grad.filter((g) => g !== 0);
  assert.ok(Math.abs(kept.length - n / 2) < 150, `${kept.length} of ${n} kept`);
  assert.ok(kept.every((g) => g === kept[0])); // each kept value scaled by the same 2
  // The mask is a function of seed, layer and step: the same step draws the same one.
  const again = logit0(net.forward(1, true));
  assert.equal(again, training);
  net.optimizerStep++;
  assert.notEqual(logit0(net.forward(1, true)), training);
});

Deno.test("summary lists each layer with its output shape and parameter count", () => {
  const net = new Network(parseLayerSpec("cnn"), { maxBatch: 2 });
  assert.deepEqual(net.summary(), [
    { layer: "conv5x32", outputShape: [28, 28, 32], parameters: 32 * 25 + 32 },
    { layer: "pool", outputShape: [14, 14, 32], parameters: 0 },
    { layer: "conv5x64", outputShape: [14, 14, 64], parameters: 64 * 25 * 32 + 64 },
    { layer: "pool", outputShape: [7, 7, 64], parameters: 0 },
    { layer: "dense128", outputShape: [128], parameters: 3136 * 128 + 128 },
    { layer: "dropout0.5", outputShape: [128], parameters: 0 },
    { layer: "dense10 softmax", outputShape: [10], parameters: 1290 },
  ]);
  assert.equal(net.denseArchitecture, undefined);
  assert.deepEqual(net.layerSizes, [784, 25088, 6272, 12544, 3136, 128, 128, 10]);
});

Deno.test("a network refuses a layer list that does not chain", () => {
  assert.throws(
    () =>
      new Network({
        inputShape: [28, 28, 1],
        layers: [{ kind: "dense", units: 4, activation: "relu" }, { kind: "pool" }, {
          kind: "dense",
          units: 10,
          activation: "softmax",
        }],
      }),
    /bad layer list: layer 1 .* needs an image input, got a flat vector of 4/,
  );
});
