import assert from "node:assert/strict";
import { checkGradients, fillRandom } from "./gradient_check_testing.ts";
import { foldBatchNorm } from "./fold_batch_norm.ts";
import { type LayeredArchitecture, type LayerSpec, parseLayerSpec } from "./layer_spec.ts";
import { Network } from "./network.ts";
import { defaultOptimizerSettings } from "./optimizer.ts";
import { Random } from "./random.ts";
import { networkTensors, restoreNetworkTensors } from "./tensors.ts";

const small = (layers: LayerSpec[], inputShape = [6, 6, 2]): LayeredArchitecture => ({
  inputShape,
  layers: [...layers, { kind: "dense", units: 3, activation: "softmax" }],
});

const CASES: Array<[string, LayeredArchitecture]> = [
  [
    "conv, bn (tanh)",
    small([{ kind: "conv", kernel: 3, channels: 3, padding: "same", activation: "tanh" }, {
      kind: "bn",
    }]),
  ],
  [
    "dense, bn (sigmoid), dense, bn (tanh)",
    small([
      { kind: "dense", units: 5, activation: "sigmoid" },
      { kind: "bn" },
      { kind: "dense", units: 4, activation: "tanh" },
      { kind: "bn" },
    ], [7]),
  ],
  [
    "conv, bn (relu), pool: the ReLU applied after pooling",
    small([
      { kind: "conv", kernel: 3, channels: 3, padding: "valid", activation: "relu" },
      { kind: "bn" },
      { kind: "pool" },
    ]),
  ],
  [
    "conv (relu), pool: the ReLU applied after pooling",
    small([
      { kind: "conv", kernel: 3, channels: 2, padding: "same", activation: "relu" },
      { kind: "pool" },
    ]),
  ],
];

for (const [name, architecture] of CASES) {
  Deno.test(`${name}: backprop matches finite differences (batch statistics)`, () => {
    assert.ok(checkGradients(architecture, 4, 3) > 0);
  });
}

Deno.test("ReLU after pooling while training is the same function as before it at inference", () => {
  // relu(max(x)) = max(relu(x)): the training pass (ReLU on the pooled values) and the
  // inference pass (ReLU on every value, then pooling) give the same bits.
  const net = new Network(parseLayerSpec("conv3x4,pool,conv3x8,pool,dense16"), { maxBatch: 8 });
  fillRandom(net.input.subarray(0, 8 * 784), new Random(2));
  const training = net.forward(8, true).slice();
  assert.deepEqual(net.forward(8, false), training);
});

/** A few Adam steps with batch norm on random inputs; returns the network. */
function trained(spec: string, steps: number, seed = 1): Network {
  const net = new Network(parseLayerSpec(spec), { maxBatch: 16, seed });
  const rng = new Random(seed + 7);
  const labels = new Uint8Array(16);
  const settings = defaultOptimizerSettings("adam");
  for (let step = 0; step < steps; step++) {
    for (let i = 0; i < 16 * 784; i++) net.input[i] = rng.uniform(0, 1) < 0.3 ? rng.next() : 0;
    for (let b = 0; b < 16; b++) labels[b] = Math.floor(rng.uniform(0, 10));
    net.trainBatch(labels, 16, settings, 0.01);
  }
  return net;
}

Deno.test("batch norm's running statistics follow the batches' and are what inference uses", () => {
  const net = new Network(parseLayerSpec("dense4,bn"), { maxBatch: 32, seed: 3 });
  const [mean, variance] = net.stateTensors;
  assert.deepEqual([mean.name, variance.name], ["layers.1.running_mean", "layers.1.running_var"]);
  assert.deepEqual([...mean.value, ...variance.value], [0, 0, 0, 0, 1, 1, 1, 1]);
  const rng = new Random(4);
  for (let i = 0; i < 32 * 784; i++) net.input[i] = rng.next();
  const fixed = net.input.slice(0, 32 * 784);
  // Learning rate 0: the same batch every step, so the running mean closes in on its mean.
  for (let step = 0; step < 200; step++) {
    net.input.set(fixed);
    net.trainBatch(new Uint8Array(32), 32, defaultOptimizerSettings("sgd"), 0);
  }
  net.input.set(fixed);
  net.forward(32, false);
  const z = net.layerOutputs()[0]; // the dense layer's pre-activations (bn applies the ReLU)
  for (let c = 0; c < 4; c++) {
    let sum = 0;
    let squares = 0;
    for (let b = 0; b < 32; b++) sum += z[b * 4 + c];
    for (let b = 0; b < 32; b++) squares += (z[b * 4 + c] - sum / 32) ** 2;
    assert.ok(Math.abs(mean.value[c] - sum / 32) < 1e-4, `mean ${c}`);
    assert.ok(Math.abs(variance.value[c] - squares / 31) < 1e-3, `variance ${c} (unbiased)`);
  }
  // Inference normalizes with them: each unit's mean over this batch is beta = 0 before ReLU,
  // so some of the batch is cut to zero and some is not.
  const a = net.layerOutputs()[1];
  assert.ok(a.some((v) => v === 0) && a.some((v) => v > 0));
});

Deno.test("folded batch norm gives the outputs of the unfolded network within 1e-5", () => {
  const net = trained("conv5x8v,bn,pool,conv3x8v,bn,pool,dense32,bn", 30);
  const folded = foldBatchNorm(net, 16);
  assert.deepEqual(folded.layers.map((l) => l.kind), [
    "conv",
    "pool",
    "conv",
    "pool",
    "dense",
    "dense",
  ]);
  assert.ok(folded.layers.slice(0, -1).every((l) => l.kind === "pool" || "foldedBn" in l));
  assert.deepEqual(folded.summary().map((row) => row.layer), [
    "conv5x8v (bn folded in)",
    "pool",
    "conv3x8v (bn folded in)",
    "pool",
    "dense32 (bn folded in)",
    "dense10 softmax",
  ]);
  const rng = new Random(11);
  for (let i = 0; i < 16 * 784; i++) net.input[i] = rng.next();
  folded.input.set(net.input.subarray(0, 16 * 784));
  const unfolded = net.forward(16).slice();
  const outputs = folded.forward(16);
  let worst = 0;
  for (let i = 0; i < outputs.length; i++) {
    worst = Math.max(worst, Math.abs(outputs[i] - unfolded[i]));
  }
  assert.ok(worst < 1e-5, `largest difference ${worst}`);
  // Not a network that ignores its input: the probabilities differ between digits.
  assert.notDeepEqual(unfolded.subarray(0, 10), unfolded.subarray(10, 20));
});

Deno.test("running statistics round-trip through the tensors, so inference after loading is the same", () => {
  const net = trained("conv3x4,bn,pool,dense16,bn", 10);
  const tensors = networkTensors(net, "adam");
  assert.ok(tensors.some((t) => t.name === "layers.1.running_var"));
  const copy = new Network(parseLayerSpec("conv3x4,bn,pool,dense16,bn"), { maxBatch: 16, seed: 9 });
  const problem = restoreNetworkTensors(copy, new Map(tensors.map((t) => [t.name, t])), "adam");
  assert.equal(problem, undefined);
  const rng = new Random(12);
  for (let i = 0; i < 16 * 784; i++) net.input[i] = rng.next();
  copy.input.set(net.input.subarray(0, 16 * 784));
  assert.deepEqual(copy.forward(16), net.forward(16));
});

Deno.test("bn goes right after a conv or dense layer, standardize first", () => {
  assert.throws(
    () => parseLayerSpec("conv3x4,pool,bn"),
    /at 14: bn normalizes the conv or dense layer/,
  );
  assert.throws(() => parseLayerSpec("bn,dense8"), /at 1: bn normalizes/);
  assert.throws(() => parseLayerSpec("dense8,standardize"), /standardize is the input's/);
  assert.equal(parseLayerSpec("standardize,conv3x4,bn").layers.length, 4);
});
