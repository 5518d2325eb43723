import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { Network, parseLayerSpec } from "../network/mod.ts";
import { Random } from "../network/random.ts";
import { exportOnnx } from "./onnx.ts";

/** Every layer kind and activation, in ONNX Runtime, against our forward pass on random input. */
const ARCHITECTURES: [string, "relu" | "sigmoid" | "tanh"][] = [
  ["conv3x4,pool,conv3x6v,pool,flatten,dense16,dropout0.3", "relu"],
  ["conv5x3v,pool,dense12", "tanh"],
  ["conv3x2,dropout0.5,pool,pool,flatten,dense8,dense8", "sigmoid"],
  ["dense32,dropout0.2,dense16", "tanh"],
  // Batch norm (folded into the layer before it) and the standardized input.
  ["standardize,conv3x4,bn,pool,conv3x6v,bn,pool,dense16,bn", "relu"],
  ["standardize,dense32,bn,dense16", "tanh"],
];

for (const [spec, activation] of ARCHITECTURES) {
  Deno.test(`ONNX Runtime computes what the network does: ${spec} ${activation}`, async () => {
    const network = new Network(parseLayerSpec(spec, { activation }), { seed: 3, maxBatch: 4 });
    // Larger biases than initialization's zeros, so that a bias put in the wrong place shows.
    const rng = new Random(11);
    for (const bias of network.biases) {
      for (let i = 0; i < bias.length; i++) bias[i] = rng.gaussian();
    }
    // Batch norm's running statistics as training leaves them, not the identity they start as.
    for (const { name, value } of network.stateTensors) {
      for (let i = 0; i < value.length; i++) {
        value[i] = name.endsWith("running_var") ? rng.uniform(0.2, 3) : rng.gaussian();
      }
    }
    const pixels = new Float32Array(4 * 784);
    for (let i = 0; i < pixels.length; i++) pixels[i] = rng.uniform(0, 1);
    network.input.set(pixels);
    const ours = network.forward(4);
    const session = await ort.InferenceSession.create(exportOnnx(network, { version: "test" }));
    const output = await session.run({ image: new ort.Tensor("float32", pixels, [4, 1, 28, 28]) });
    const theirs = output.probabilities.data as Float32Array;
    assert.equal(theirs.length, ours.length);
    for (let i = 0; i < ours.length; i++) {
      assert.ok(
        Math.abs(ours[i] - theirs[i]) < 1e-5,
        `probability ${i}: ${ours[i]} vs ${theirs[i]}`,
      );
    }
    await session.release();
  });
}

Deno.test("a calibrated model that refuses: softmax(logits / T) and not_a_digit = top < refuseBelow", async () => {
  const network = new Network(parseLayerSpec("conv3x4,pool,dense16"), { seed: 5, maxBatch: 8 });
  const rng = new Random(2);
  const pixels = new Float32Array(8 * 784);
  for (let i = 0; i < pixels.length; i++) pixels[i] = rng.uniform(0, 1) ** 3;
  network.input.set(pixels);
  const plain = network.forward(8);
  const temperature = 1.7;
  // softmax(z / T) from softmax(z): proportional to p^(1/T), the log-sum-exp cancels.
  const expected = new Float32Array(plain.length);
  for (let s = 0; s < 8; s++) {
    let sum = 0;
    for (let d = 0; d < 10; d++) {
      sum += expected[s * 10 + d] = plain[s * 10 + d] ** (1 / temperature);
    }
    for (let d = 0; d < 10; d++) expected[s * 10 + d] /= sum;
  }
  const tops = Array.from(
    { length: 8 },
    (_, s) => Math.max(...expected.subarray(s * 10, s * 10 + 10)),
  );
  // A threshold halfway between two samples' top probabilities: both answers occur.
  const sorted = [...tops].sort((a, b) => a - b);
  const refuseBelow = (sorted[3] + sorted[4]) / 2;
  const bytes = exportOnnx(network, { version: "test", temperature, refuseBelow });
  const session = await ort.InferenceSession.create(bytes);
  assert.deepEqual(session.outputNames, ["probabilities", "not_a_digit"]);
  const output = await session.run({ image: new ort.Tensor("float32", pixels, [8, 1, 28, 28]) });
  const probabilities = output.probabilities.data as Float32Array;
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs(probabilities[i] - expected[i]) < 1e-5,
      `${probabilities[i]} vs ${expected[i]}`,
    );
  }
  const refused = Array.from(output.not_a_digit.data as Uint8Array, Boolean);
  assert.deepEqual(refused, tops.map((top) => top < refuseBelow));
  assert.ok(refused.includes(true) && refused.includes(false));
  await session.release();
});

Deno.test("a model with the not-a-digit output: the ten digits' probabilities, refused on their top", async () => {
  const network = new Network(parseLayerSpec("conv3x4,pool,dense16", { classes: 11 }), {
    seed: 6,
    maxBatch: 8,
  });
  const rng = new Random(3);
  for (const bias of network.biases) {
    for (let i = 0; i < bias.length; i++) bias[i] = rng.gaussian();
  }
  const pixels = new Float32Array(8 * 784);
  for (let i = 0; i < pixels.length; i++) pixels[i] = rng.uniform(0, 1) ** 3;
  network.input.set(pixels);
  const all = network.forward(8).slice(); // [8 x 11]
  const digits = (s: number) => all.subarray(s * 11, s * 11 + 10);
  const tops = Array.from({ length: 8 }, (_, s) => Math.max(...digits(s)));
  const sorted = [...tops].sort((a, b) => a - b);
  const refuseBelow = (sorted[3] + sorted[4]) / 2;
  const session = await ort.InferenceSession.create(
    exportOnnx(network, { version: "test", refuseBelow }),
  );
  const output = await session.run({ image: new ort.Tensor("float32", pixels, [8, 1, 28, 28]) });
  const probabilities = output.probabilities.data as Float32Array;
  assert.deepEqual(output.probabilities.dims, [8, 10]);
  for (let s = 0; s < 8; s++) {
    for (let d = 0; d < 10; d++) {
      assert.ok(Math.abs(probabilities[s * 10 + d] - digits(s)[d]) < 1e-5);
    }
  }
  const refused = Array.from(output.not_a_digit.data as Uint8Array, Boolean);
  assert.deepEqual(refused, tops.map((top) => top < refuseBelow));
  await session.release();
});
