import assert from "node:assert/strict";
import { activateInPlace, type Activation, multiplyByDerivative } from "./activations.ts";
import { Network, NOT_A_DIGIT } from "./network.ts";
import { defaultOptimizerSettings } from "./optimizer.ts";
import { Random } from "./random.ts";
import { networkTensors, restoreNetworkTensors } from "./tensors.ts";

const activations: Activation[] = ["relu", "sigmoid", "tanh"];

function fillRandom(values: Float32Array, rng: Random, sparsity = 0): void {
  for (let i = 0; i < values.length; i++) values[i] = rng.next() < sparsity ? 0 : rng.next();
}

for (const activation of activations) {
  Deno.test(`activation ${activation}: derivative matches finite differences`, () => {
    const n = 41;
    const z = new Float32Array(n).map((_, i) => -2 + i * 0.1 + 0.013); // avoid relu's kink at 0
    const a = z.slice();
    activateInPlace(activation, a, n);
    const delta = new Float32Array(n).fill(1);
    multiplyByDerivative(activation, delta, a, n);
    for (let i = 0; i < n; i++) {
      const h = 1e-3;
      const up = new Float64Array([z[i] + h]);
      const down = new Float64Array([z[i] - h]);
      const f = (x: number) => {
        const v = new Float32Array([x]);
        activateInPlace(activation, v, 1);
        return v[0];
      };
      const numeric = (f(up[0]) - f(down[0])) / (2 * h);
      assert.ok(
        Math.abs(numeric - delta[i]) < 2e-3,
        `${activation}'(${z[i]}): ${numeric} vs ${delta[i]}`,
      );
    }
  });

  Deno.test(`network with ${activation}: backprop matches finite differences of the loss`, () => {
    const net = new Network({ layerSizes: [6, 5, 4, 3], activation }, { seed: 3, maxBatch: 4 });
    const rng = new Random(11);
    for (const p of net.parameters) if (!p.decays) fillRandom(p.value, rng); // nonzero biases
    fillRandom(net.input, rng, 0.3); // some zero inputs exercise the skipping path
    const labels = new Uint8Array([0, 2, 1, 2]);
    net.forward(4);
    net.backward(labels);
    const lossAt = () => {
      net.forward(4);
      return net.evaluateLoss(labels).loss;
    };
    let checked = 0;
    for (const p of net.parameters) {
      const analytic = p.grad.slice();
      for (let i = 0; i < p.value.length; i++) {
        const original = p.value[i];
        const h = 1e-2;
        p.value[i] = original + h;
        const up = lossAt();
        p.value[i] = original - h;
        const down = lossAt();
        p.value[i] = original;
        const numeric = (up - down) / (2 * h);
        const tolerance = 1e-3 + 1e-2 * Math.abs(analytic[i]);
        assert.ok(
          Math.abs(numeric - analytic[i]) < tolerance,
          `${p.name}[${i}]: numeric ${numeric} vs backprop ${analytic[i]}`,
        );
        checked++;
      }
    }
    assert.equal(checked, net.parameterCount);
  });
}

Deno.test("loss is the exact cross-entropy, finite even for confident wrong answers", () => {
  const net = new Network({ layerSizes: [1, 2], activation: "relu" }, { maxBatch: 1 });
  net.weights[0].set([100, -100]);
  net.biases[0].set([0, 0]);
  net.input[0] = 1;
  net.forward(1);
  const { loss, correct } = net.evaluateLoss(new Uint8Array([1]));
  assert.equal(correct, 0);
  assert.ok(Math.abs(loss - 200) < 1e-3, `loss ${loss}`); // -log softmax = 200
});

/** backward's gradients against central differences of the loss of `rows` rows. */
function assertGradientsMatchLoss(net: Network, labels: Uint8Array, rows: number): void {
  net.backward(labels);
  const lossAt = () => {
    net.forward(rows);
    return net.evaluateLoss(labels).loss;
  };
  for (const p of net.parameters) {
    const analytic = p.grad.slice();
    for (let i = 0; i < p.value.length; i++) {
      const original = p.value[i];
      p.value[i] = original + 1e-2;
      const up = lossAt();
      p.value[i] = original - 1e-2;
      const down = lossAt();
      p.value[i] = original;
      const numeric = (up - down) / 2e-2;
      assert.ok(Math.abs(numeric - analytic[i]) < 1e-3 + 1e-2 * Math.abs(analytic[i]));
    }
  }
}

Deno.test("a not-a-digit sample's loss and gradient push toward the uniform output", () => {
  const net = new Network({ layerSizes: [6, 5, 4], activation: "relu" }, { seed: 4, maxBatch: 3 });
  const rng = new Random(12);
  for (const p of net.parameters) if (!p.decays) fillRandom(p.value, rng);
  fillRandom(net.input, rng);
  net.negativeWeight = 0.5;
  const labels = new Uint8Array([1, NOT_A_DIGIT, NOT_A_DIGIT]);
  const probabilities = net.forward(3).slice();
  const { loss, correct } = net.evaluateLoss(labels);
  // 0.5 x CE(uniform, p) = 0.5 x -mean(log p) for the two negatives; plain CE for the digit.
  let expected = -Math.log(probabilities[1]);
  for (const row of [1, 2]) {
    let sum = 0;
    for (let c = 0; c < 4; c++) sum += Math.log(probabilities[row * 4 + c]);
    expected += 0.5 * -sum / 4;
  }
  assert.ok(Math.abs(loss - expected / 3) < 1e-5, `loss ${loss} vs ${expected / 3}`);
  assert.ok(correct <= 1); // negatives are never "right"
  assertGradientsMatchLoss(net, labels, 3);
});

Deno.test("with an eleventh output a not-a-digit sample is taught that output, as a class", () => {
  const net = new Network({ layerSizes: [6, 5, 11], activation: "relu" }, { seed: 4, maxBatch: 3 });
  const rng = new Random(13);
  for (const p of net.parameters) if (!p.decays) fillRandom(p.value, rng);
  fillRandom(net.input, rng);
  net.negativeWeight = 0.5;
  const labels = new Uint8Array([1, NOT_A_DIGIT, NOT_A_DIGIT]);
  const probabilities = net.forward(3).slice();
  const { loss } = net.evaluateLoss(labels);
  // 0.5 x -log p[10] for each negative; plain CE for the digit.
  const expected = -Math.log(probabilities[1]) - 0.5 * Math.log(probabilities[11 + 10]) -
    0.5 * Math.log(probabilities[22 + 10]);
  assert.ok(Math.abs(loss - expected / 3) < 1e-5, `loss ${loss} vs ${expected / 3}`);
  assertGradientsMatchLoss(net, labels, 3);
});

Deno.test("predict applies the readout's temperature without changing the answer", () => {
  const net = new Network({ layerSizes: [4, 3], activation: "relu" }, { seed: 2, maxBatch: 1 });
  net.weights[0].set([3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
  const pixels = new Float32Array([1, 1, 0, 0]);
  const raw = net.predict(pixels);
  net.readout = { temperature: 2, refuseBelow: null };
  const soft = net.predict(pixels);
  assert.equal(soft.indexOf(Math.max(...soft)), raw.indexOf(Math.max(...raw)));
  assert.ok(Math.max(...soft) < Math.max(...raw));
  assert.ok(Math.abs(soft.reduce((a, b) => a + b, 0) - 1) < 1e-6);
});

Deno.test("a small network learns XOR", () => {
  const net = new Network({ layerSizes: [2, 8, 2], activation: "tanh" }, { seed: 5, maxBatch: 4 });
  const settings = { ...defaultOptimizerSettings("adam"), learningRate: 0.05 };
  const labels = new Uint8Array([0, 1, 1, 0]);
  let last = { loss: Infinity, correct: 0 };
  for (let step = 0; step < 400; step++) {
    net.input.set([0, 0, 0, 1, 1, 0, 1, 1]);
    last = net.trainBatch(labels, 4, settings, settings.learningRate);
  }
  net.input.set([0, 0, 0, 1, 1, 0, 1, 1]);
  net.forward(4);
  const result = net.evaluateLoss(labels);
  assert.equal(result.correct, 4);
  assert.ok(result.loss < 0.05, `loss ${result.loss} (last training loss ${last.loss})`);
});

for (const kind of ["sgd", "momentum", "adam"] as const) {
  Deno.test(`${kind}: a network overfits a tiny batch to 100%`, () => {
    const net = new Network({ layerSizes: [784, 32, 10], activation: "relu" }, {
      seed: 2,
      maxBatch: 16,
    });
    const rng = new Random(9);
    const inputs = new Float32Array(16 * 784);
    fillRandom(inputs, rng, 0.8);
    const labels = new Uint8Array(16).map((_, i) => i % 10);
    const settings = defaultOptimizerSettings(kind);
    let result = { loss: Infinity, correct: 0 };
    for (let step = 0; step < 300 && result.correct < 16; step++) {
      net.input.set(inputs);
      result = net.trainBatch(labels, 16, settings, settings.learningRate);
    }
    net.input.set(inputs);
    net.forward(16);
    assert.equal(net.evaluateLoss(labels).correct, 16);
  });
}

function trainedWeights(seed: number): Float32Array[] {
  const net = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, {
    seed,
    maxBatch: 8,
  });
  const rng = new Random(4);
  const settings = { ...defaultOptimizerSettings("adam"), weightDecay: 1e-4 };
  for (let step = 0; step < 20; step++) {
    fillRandom(net.input.subarray(0, 8 * 784), rng, 0.8);
    const labels = new Uint8Array(8).map(() => rng.int(10));
    net.trainBatch(labels, 8, settings, 0.01);
  }
  return net.parameters.map((p) => p.value.slice());
}

Deno.test("the same seed and settings give bit-identical weights after training", () => {
  const first = trainedWeights(42);
  const second = trainedWeights(42);
  const other = trainedWeights(43);
  for (let i = 0; i < first.length; i++) {
    assert.deepEqual(new Uint8Array(first[i].buffer), new Uint8Array(second[i].buffer));
  }
  assert.notDeepEqual(first[0], other[0]);
});

Deno.test("tensors round-trip weights and optimizer state", () => {
  const source = new Network({ layerSizes: [4, 3, 2], activation: "sigmoid" }, { seed: 8 });
  source.input.set([0.1, 0.2, 0.3, 0.4]);
  source.trainBatch(new Uint8Array([1]), 1, defaultOptimizerSettings("adam"), 0.01);
  const tensors = networkTensors(source, "adam");
  assert.deepEqual(tensors.map((t) => t.name).slice(0, 4), [
    "layers.0.weight",
    "layers.0.bias",
    "layers.1.weight",
    "layers.1.bias",
  ]);
  const target = new Network({ layerSizes: [4, 3, 2], activation: "sigmoid" }, { seed: 9 });
  const byName = new Map(tensors.map((t) => [t.name, t]));
  assert.equal(restoreNetworkTensors(target, byName, "adam"), undefined);
  for (let i = 0; i < source.parameters.length; i++) {
    assert.deepEqual(target.parameters[i].value, source.parameters[i].value);
    assert.deepEqual(target.parameters[i].moment2, source.parameters[i].moment2);
  }
  byName.delete("optimizer.layers.1.bias.v");
  assert.match(
    restoreNetworkTensors(target, byName, "adam") ?? "",
    /layers\.1\.bias\.v is missing/,
  );
  const shallow = new Network({ layerSizes: [4, 2], activation: "sigmoid" });
  assert.match(
    restoreNetworkTensors(shallow, new Map(tensors.map((t) => [t.name, t])), undefined) ?? "",
    /tensor layers\.1\.weight belongs to no layer of this network/,
  );
  const wrong = new Network({ layerSizes: [4, 5, 2], activation: "sigmoid" });
  assert.match(
    restoreNetworkTensors(wrong, new Map(tensors.map((t) => [t.name, t])), undefined) ?? "",
    /layers\.0\.weight has shape \[4,3\], expected \[4,5\]/,
  );
});
