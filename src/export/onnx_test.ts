import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { Network, parseLayerSpec } from "../network/mod.ts";
import { Random } from "../network/random.ts";
import { refusalScore, refusalThreshold } from "../train/refusal_rule.ts";
import { readUserDigits } from "../train/views.ts";
import { exportOnnx } from "./onnx.ts";

/** `count` images of 784 pixels from `pixels` [count x 784]. */
function split(pixels: Float32Array, count: number): Float32Array[] {
  return Array.from({ length: count }, (_, s) => pixels.subarray(s * 784, (s + 1) * 784));
}

/** The largest difference between `theirs` [N x 10] and the first ten of each of `ours`. */
function largestDifference(ours: Float32Array[], theirs: Float32Array): number {
  let largest = 0;
  ours.forEach((row, s) => {
    for (let d = 0; d < 10; d++) largest = Math.max(largest, Math.abs(row[d] - theirs[s * 10 + d]));
  });
  return largest;
}

/**
 * Every layer kind and activation, in ONNX Runtime, against readUserDigits on random input (the
 * network once for a dense network, the view average for a CNN).
 */
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
  Deno.test(`ONNX Runtime computes what readUserDigits does: ${spec} ${activation}`, async () => {
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
    const ours = readUserDigits(network, split(pixels, 4));
    const session = await ort.InferenceSession.create(exportOnnx(network, { version: "test" }));
    const output = await session.run({ image: new ort.Tensor("float32", pixels, [4, 1, 28, 28]) });
    const theirs = output.probabilities.data as Float32Array;
    assert.deepEqual(output.probabilities.dims, [4, 10]);
    const largest = largestDifference(ours, theirs);
    assert.ok(largest < 1e-5, `largest difference ${largest}`);
    await session.release();
  });
}

Deno.test("a calibrated CNN: views weighted by asIsWeight, softmax(z / T), top < refuseBelow", async () => {
  const network = new Network(parseLayerSpec("conv3x4,pool,dense16"), { seed: 5, maxBatch: 8 });
  const rng = new Random(2);
  for (const bias of network.biases) {
    for (let i = 0; i < bias.length; i++) bias[i] = rng.gaussian();
  }
  // Ink off centre, so that the views read something else than the image as it is.
  const pixels = new Float32Array(8 * 784);
  for (let s = 0; s < 8; s++) {
    for (let y = 3 + s; y < 15 + s; y++) {
      for (let x = 4; x < 14 + s; x++) pixels[s * 784 + y * 28 + x] = rng.uniform(0, 1) ** 2;
    }
  }
  const digits = split(pixels, 8);
  network.readout = { temperature: 1.7, refuseBelow: null, asIsWeight: 2 };
  const expected = readUserDigits(network, digits);
  // The even average (a file calibrated before asIsWeight) and the image alone differ from it:
  // a graph that ignored the weight or the views would fail below.
  network.readout = { temperature: 1.7, refuseBelow: null };
  const even = readUserDigits(network, digits);
  assert.ok(largestDifference(even, Float32Array.from(expected.flatMap((p) => [...p]))) > 1e-3);
  const tops = expected.map((p) => Math.max(...p));
  // A threshold halfway between two samples' top probabilities: both answers occur.
  const sorted = [...tops].sort((a, b) => a - b);
  const refuseBelow = (sorted[3] + sorted[4]) / 2;
  network.readout = { temperature: 1.7, refuseBelow, asIsWeight: 2 };
  const session = await ort.InferenceSession.create(exportOnnx(network, { version: "test" }));
  assert.deepEqual(session.outputNames, ["probabilities", "not_a_digit"]);
  const output = await session.run({ image: new ort.Tensor("float32", pixels, [8, 1, 28, 28]) });
  const probabilities = output.probabilities.data as Float32Array;
  const largest = largestDifference(expected, probabilities);
  assert.ok(largest < 1e-5, `largest difference ${largest}`);
  const refused = Array.from(output.not_a_digit.data as Uint8Array, Boolean);
  assert.deepEqual(refused, tops.map((top) => top < refuseBelow));
  assert.ok(refused.includes(true) && refused.includes(false));
  // The batch size stays free: one image alone gets its own answer.
  const one = await session.run({
    image: new ort.Tensor("float32", pixels.slice(5 * 784, 6 * 784), [1, 1, 28, 28]),
  });
  assert.ok(largestDifference([expected[5]], one.probabilities.data as Float32Array) < 1e-5);
  await session.release();
});

Deno.test("a CNN without a learned threshold refuses as the app does: top under 0.45", async () => {
  const network = new Network(parseLayerSpec("conv3x4,pool,dense16"), { seed: 7, maxBatch: 8 });
  // Weights large enough that the ink, not the biases, decides the answer.
  for (const weights of network.weights) weights.forEach((w, i) => weights[i] = 8 * w);
  // Blocks of ink ever stronger and wider: top probabilities on both sides of 0.45.
  const pixels = new Float32Array(8 * 784);
  for (let s = 0; s < 8; s++) {
    for (let y = 6; y < 20; y++) {
      for (let x = 6; x < 10 + 2 * s; x++) pixels[s * 784 + y * 28 + x] = (s + 1) / 8;
    }
  }
  network.readout = { temperature: 3, refuseBelow: null };
  const tops = readUserDigits(network, split(pixels, 8)).map((p) => Math.max(...p));
  const session = await ort.InferenceSession.create(exportOnnx(network, { version: "test" }));
  assert.deepEqual(session.outputNames, ["probabilities", "not_a_digit"]);
  const output = await session.run({ image: new ort.Tensor("float32", pixels, [8, 1, 28, 28]) });
  const refused = Array.from(output.not_a_digit.data as Uint8Array, Boolean);
  assert.equal(refusalThreshold(network), 0.45);
  assert.deepEqual(refused, tops.map((top) => top < 0.45));
  assert.ok(refused.includes(true) && refused.includes(false), `tops ${tops}`);
  await session.release();
  // A dense network without one refuses nothing in the app: the file has no such output.
  const dense = new Network(parseLayerSpec("dense16"), { seed: 4, maxBatch: 1 });
  const plain = await ort.InferenceSession.create(exportOnnx(dense, { version: "test" }));
  assert.deepEqual(plain.outputNames, ["probabilities"]);
  await plain.release();
});

Deno.test("a dense network reads the image as it is, whatever asIsWeight says", async () => {
  const network = new Network(parseLayerSpec("dense16"), { seed: 4, maxBatch: 4 });
  const rng = new Random(5);
  const pixels = Float32Array.from({ length: 4 * 784 }, () => rng.uniform(0, 1));
  network.readout = { temperature: 0.8, refuseBelow: 0.5, asIsWeight: 2 };
  network.input.set(pixels);
  const plain = network.forward(4).slice();
  const ours = readUserDigits(network, split(pixels, 4));
  const session = await ort.InferenceSession.create(exportOnnx(network, { version: "test" }));
  const output = await session.run({ image: new ort.Tensor("float32", pixels, [4, 1, 28, 28]) });
  const theirs = output.probabilities.data as Float32Array;
  assert.ok(largestDifference(ours, theirs) < 1e-5);
  // one reading each, with the temperature: not the forward pass's softmax(z)
  assert.ok(largestDifference(ours, plain) > 1e-4);
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
  const all = readUserDigits(network, split(pixels, 8)); // 8 x [11], the views averaged
  const tops = all.map((p) => Math.max(...p.subarray(0, 10)));
  const sorted = [...tops].sort((a, b) => a - b);
  const refuseBelow = (sorted[3] + sorted[4]) / 2;
  network.readout = { temperature: 1, refuseBelow };
  const session = await ort.InferenceSession.create(exportOnnx(network, { version: "test" }));
  const output = await session.run({ image: new ort.Tensor("float32", pixels, [8, 1, 28, 28]) });
  const probabilities = output.probabilities.data as Float32Array;
  assert.deepEqual(output.probabilities.dims, [8, 10]);
  assert.ok(largestDifference(all, probabilities) < 1e-5);
  const refused = Array.from(output.not_a_digit.data as Uint8Array, Boolean);
  assert.deepEqual(refused, tops.map((top) => top < refuseBelow));
  await session.release();
});

for (const spec of ["conv3x4,pool,dense16", "dense16"]) {
  Deno.test(`a model read in two parts: the digits renormalized over ten, refused on 1 - p(not a digit): ${spec}`, async () => {
    const network = new Network(parseLayerSpec(spec, { classes: 11 }), { seed: 6, maxBatch: 8 });
    const rng = new Random(3);
    for (const bias of network.biases) {
      for (let i = 0; i < bias.length; i++) bias[i] = rng.gaussian();
    }
    const pixels = new Float32Array(8 * 784);
    for (let i = 0; i < pixels.length; i++) pixels[i] = rng.uniform(0, 1) ** 3;
    network.readout = { temperature: 0.7, refuseBelow: null, asIsWeight: 2 };
    const averaged = readUserDigits(network, split(pixels, 8)); // 8 x [11], the views averaged
    network.readout = { ...network.readout, refusalScore: "digitShare" };
    // 8 x [11]: p_10 the views' average, the ten from the digit as it is (for the CNN)
    const all = readUserDigits(network, split(pixels, 8));
    // What the app reads: q_d = p_d / (p_0 + ... + p_9), refused when 1 - p_10 < threshold.
    const renormalized = (rows: Float32Array[]) =>
      rows.map((p) => {
        const ten = p.slice(0, 10);
        const share = ten.reduce((sum, v) => sum + v, 0);
        return ten.map((v) => v / share);
      });
    const q = renormalized(all);
    if (spec.startsWith("conv")) {
      // which digit is not the views' average's: a file averaging it would fail below
      assert.ok(
        largestDifference(renormalized(averaged), Float32Array.from(q.flatMap((r) => [...r]))) >
          1e-3,
      );
    }
    assert.ok(all.every((p, s) => Math.abs(p[10] - averaged[s][10]) < 1e-6));
    const digitShares = all.map((p) => refusalScore(network, p)); // the app's: 1 - p_10
    assert.ok(Math.abs(digitShares[0] - (1 - all[0][10])) < 1e-7);
    const sorted = [...digitShares].sort((a, b) => a - b);
    const refuseBelow = (sorted[3] + sorted[4]) / 2;
    network.readout = { ...network.readout, refuseBelow };
    const session = await ort.InferenceSession.create(exportOnnx(network, { version: "test" }));
    const output = await session.run({ image: new ort.Tensor("float32", pixels, [8, 1, 28, 28]) });
    const probabilities = output.probabilities.data as Float32Array;
    assert.deepEqual(output.probabilities.dims, [8, 10]);
    const largest = largestDifference(q, probabilities);
    assert.ok(largest < 1e-5, `largest difference ${largest}`);
    const refused = Array.from(output.not_a_digit.data as Uint8Array, Boolean);
    assert.deepEqual(refused, digitShares.map((share) => share < refuseBelow));
    // on their top digit share they would refuse others: the score is not the same
    const tops = all.map((p) => Math.max(...p.subarray(0, 10)));
    assert.notDeepEqual(refused, tops.map((top) => top < refuseBelow));
    await session.release();
  });
}

Deno.test("a model read in two parts, sure the ink is no digit: 1/10 each as the app reads it, no 0/0", async () => {
  const network = new Network({ layerSizes: [784, 4, 11], activation: "relu" }, { seed: 2 });
  // The not-a-digit logit 200 above the digits': each digit's softmax share underflows to 0.
  network.biases[1][10] = 200;
  network.readout = { temperature: 1, refuseBelow: 0.3, refusalScore: "digitShare" };
  const pixels = new Float32Array(784);
  assert.ok(network.predict(pixels).subarray(0, 10).every((p) => p === 0));
  const session = await ort.InferenceSession.create(exportOnnx(network, { version: "test" }));
  const output = await session.run({ image: new ort.Tensor("float32", pixels, [1, 1, 28, 28]) });
  const probabilities = Array.from(output.probabilities.data as Float32Array);
  // 1/10 each, as the app reads it (guessFromOutputs, src/app/predict.ts)
  assert.ok(probabilities.every((p) => Math.abs(p - 0.1) < 1e-7), `${probabilities}`);
  assert.deepEqual(Array.from(output.not_a_digit.data as Uint8Array), [1]);
  await session.release();
});
