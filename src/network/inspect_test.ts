import assert from "node:assert/strict";
import { Network } from "./network.ts";
import { parseLayerSpec } from "./layer_spec.ts";
import { defaultOptimizerSettings } from "./optimizer.ts";
import { Random } from "./random.ts";
import {
  deadUnits,
  layerActivations,
  layerInfos,
  strongestDigits,
  tensorStats,
  TrainingMonitor,
  unitResponses,
} from "./inspect.ts";

function randomDigits(count: number, seed: number): Float32Array {
  const rng = new Random(seed);
  return new Float32Array(count * 784).map(() => rng.next());
}

Deno.test("tensorStats: mean, std, range and a histogram that counts every finite value", () => {
  const values = new Float32Array([1, 2, 3, 4, NaN, Infinity]);
  const stats = tensorStats(values, 8);
  assert.equal(stats.count, 4);
  assert.equal(stats.nonFinite, 2);
  assert.equal(stats.mean, 2.5);
  assert.ok(Math.abs(stats.std - Math.sqrt(1.25)) < 1e-12);
  assert.deepEqual([stats.min, stats.max], [1, 4]);
  assert.equal(stats.histogram.length, 8);
  assert.equal(stats.histogram.reduce((a, b) => a + b), 4);
  assert.equal(stats.histogram[0], 1);
  assert.equal(stats.histogram[7], 1);
});

Deno.test("tensorStats of He-initialized weights: mean near 0, std near sqrt(2/784)", () => {
  const network = new Network({ layerSizes: [784, 256, 10], activation: "relu" }, { seed: 1 });
  const stats = tensorStats(network.parameters[0].value);
  assert.ok(Math.abs(stats.mean) < 0.001);
  assert.ok(Math.abs(stats.std - Math.sqrt(2 / 784)) < 0.001);
});

Deno.test("a dense unit that is known dead is counted dead, and only it", () => {
  const network = new Network({ layerSizes: [784, 32, 10], activation: "relu" }, {
    seed: 2,
    maxBatch: 16,
  });
  const [weight, bias] = network.parameters;
  // Unit 5 gets -1 from every pixel: on inputs 0..1 its z is <= 0, so ReLU never fires.
  for (let i = 0; i < 784; i++) weight.value[i * 32 + 5] = -1;
  // Every other unit fires on everything (784 inputs below 1 cannot outweigh this bias).
  bias.value.fill(1000);
  bias.value[5] = 0;
  const result = deadUnits(network, { pixels: randomDigits(40, 3), count: 40 });
  assert.equal(result.length, 1);
  assert.deepEqual(result[0].dead, [5]);
  assert.equal(result[0].deadFraction, 1 / 32);
});

Deno.test("a conv filter that is known dead is counted dead; responses are the max over the image", () => {
  const network = new Network(parseLayerSpec("conv3x4,pool,dense8"), { seed: 1, maxBatch: 8 });
  const [weight, bias] = network.parameters;
  weight.value.fill(-1, 2 * 9, 3 * 9); // filter 2 sees only minus signs
  bias.value[2] = -0.5;
  const bytes = new Uint8Array(6 * 784).map((_, i) => (i * 37) % 256);
  const [conv, dense] = deadUnits(network, { pixels: bytes, count: 6 });
  assert.deepEqual(conv.dead, [2]);
  assert.equal(dense.units, 8);
  const responses = unitResponses(network, { pixels: bytes, count: 6 }, 0);
  network.input.set(Float32Array.from(bytes.subarray(0, 784), (b) => b / 255));
  network.forward(1);
  const maps = layerActivations(network)[0].values; // [28 x 28 x 4]
  let best = -Infinity;
  for (let p = 0; p < 784; p++) best = Math.max(best, maps[p * 4 + 1]);
  assert.equal(responses[1], best);
});

Deno.test("strongestDigits names the digits that excite a unit most", () => {
  const network = new Network({ layerSizes: [784, 4, 10], activation: "relu" }, { seed: 1 });
  const weight = network.parameters[0].value;
  weight.fill(0);
  for (let i = 0; i < 784; i++) weight[i * 4] = 0.01; // unit 0 sums the ink
  const pixels = new Float32Array(5 * 784);
  [0.1, 0.9, 0.3, 1, 0.5].forEach((ink, d) => pixels.fill(ink, d * 784, (d + 1) * 784));
  const responses = unitResponses(network, { pixels, count: 5 }, 0);
  assert.deepEqual(strongestDigits(responses, 4, 0, 3), [3, 1, 4]);
});

Deno.test("layerInfos: every layer with its weights, units only for hidden conv and dense", () => {
  const infos = layerInfos(new Network(parseLayerSpec("cnn"), { maxBatch: 1 }));
  assert.deepEqual(infos.map((l) => l.units), [
    32,
    undefined,
    64,
    undefined,
    128,
    undefined,
    undefined,
  ]);
  assert.deepEqual(infos[2].weight?.shape, [64, 5, 5, 32]);
  assert.equal(infos[6].name, "dense10 softmax");
  assert.equal(infos[1].weight, undefined);
});

Deno.test("TrainingMonitor: gradient norm from the buffers, update ratio of one step", () => {
  const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, {
    seed: 1,
    maxBatch: 4,
  });
  network.input.set(randomDigits(4, 8));
  const labels = new Uint8Array([1, 2, 3, 4]);
  const monitor = new TrainingMonitor(network);
  monitor.snapshot();
  const before = network.parameters.map((p) => p.value.slice());
  network.trainBatch(labels, 4, defaultOptimizerSettings("sgd"), 0.5);
  const stats = monitor.measure();
  assert.equal(stats.length, 2);
  network.parameters.slice(0, 2).forEach((p, i) => assert.notDeepEqual(p.value, before[i]));
  // SGD without momentum: the update is exactly lr * gradient.
  for (const s of stats) {
    const oldNorm = Math.hypot(
      ...before[2 * stats.indexOf(s)],
      ...before[2 * stats.indexOf(s) + 1],
    );
    const expected = 0.5 * s.gradientNorm / oldNorm;
    assert.ok(Math.abs(s.updateRatio - expected) / expected < 1e-3, `${s.updateRatio} ${expected}`);
  }
});
