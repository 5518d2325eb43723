import assert from "node:assert/strict";
import { Network } from "./network.ts";
import { parseLayerSpec } from "./layer_spec.ts";
import { Random } from "./random.ts";
import { saliency, withInputGradient } from "./saliency.ts";
import { integratedGradients } from "./attribution.ts";

/** z_digit(x), the digit's score before softmax, by a plain forward pass, for finite differences. */
function scoreAt(network: Network, pixels: Float32Array, digit: number): number {
  network.input.set(pixels);
  network.forward(1);
  return network.layerOutputs().at(-1)![digit];
}

function checkAgainstFiniteDifferences(network: Network, pixels: Float32Array): number {
  const result = saliency(network, pixels);
  const h = 1e-2;
  let checked = 0;
  for (let i = 0; i < pixels.length; i++) {
    const x = pixels.slice();
    x[i] = pixels[i] + h;
    const up = scoreAt(network, x, result.digit);
    x[i] = pixels[i] - h;
    const down = scoreAt(network, x, result.digit);
    const numeric = (up - down) / (2 * h);
    const scale = Math.max(1e-3, Math.abs(numeric), Math.abs(result.gradient[i]));
    assert.ok(
      Math.abs(numeric - result.gradient[i]) / scale < 0.05,
      `pixel ${i}: finite differences ${numeric}, saliency ${result.gradient[i]}`,
    );
    checked++;
  }
  return checked;
}

Deno.test("saliency of a dense network matches finite differences of the digit's score", () => {
  const network = new Network({ layerSizes: [20, 12, 10], activation: "tanh" }, {
    seed: 5,
    inputGradient: true,
  });
  const rng = new Random(2);
  const pixels = new Float32Array(20).map(() => rng.next());
  assert.equal(checkAgainstFiniteDifferences(network, pixels), 20);
});

Deno.test("saliency through conv, pool, dropout and dense layers matches finite differences", () => {
  const architecture = parseLayerSpec("conv3x4,pool,dense12,dropout0.5", {
    activation: "tanh",
    inputShape: [8, 8, 1],
  });
  const network = new Network(architecture, {
    seed: 3,
    inputGradient: true,
  });
  const rng = new Random(9);
  for (const p of network.parameters) {
    if (!p.decays) p.value.forEach((_, i) => (p.value[i] = rng.uniform(-0.3, 0.3)));
  }
  const pixels = new Float32Array(64).map(() => rng.next());
  assert.equal(checkAgainstFiniteDifferences(network, pixels), 64);
});

Deno.test("withInputGradient copies the weights and leaves the original's gradients alone", () => {
  const network = new Network(parseLayerSpec("conv5x4,pool,dense16"), { seed: 4 });
  network.parameters.forEach((p) => p.grad.fill(7));
  const copy = withInputGradient(network);
  const pixels = new Float32Array(784).fill(0.4);
  const fromCopy = saliency(copy, pixels);
  assert.deepEqual(fromCopy.probabilities, network.predict(pixels));
  assert.ok(network.parameters.every((p) => p.grad.every((g) => g === 7)));
  assert.ok(fromCopy.gradient.some((g) => g !== 0));
});

Deno.test("saliency refuses a network that cannot backpropagate to its input", () => {
  const network = new Network({ layerSizes: [784, 8, 10], activation: "relu" });
  assert.throws(() => saliency(network, new Float32Array(784)), /inputGradient/);
});

Deno.test("a sure network still has a saliency map (its probability is 1 in float32)", () => {
  const network = new Network({ layerSizes: [20, 12, 10], activation: "relu" }, {
    seed: 5,
    inputGradient: true,
  });
  // Scale the output layer up until softmax saturates to exactly 1.
  const last = network.weights[network.weights.length - 1];
  for (let i = 0; i < last.length; i++) last[i] *= 400;
  const rng = new Random(4);
  const pixels = new Float32Array(20).map(() => rng.next());
  const result = saliency(network, pixels);
  assert.equal(result.confidence, 1);
  assert.ok(result.gradient.some((v) => Math.abs(v) > 1e-3), "the map vanished");
  assert.equal(checkAgainstFiniteDifferences(network, pixels), 20);
});

Deno.test("saliency and the attribution explain the likeliest digit, not the not-a-digit output", () => {
  const network = new Network({ layerSizes: [20, 12, 11], activation: "relu" }, {
    seed: 5,
    inputGradient: true,
    maxBatch: 16,
  });
  // the 11th output ("not a digit") far ahead of every digit
  network.biases[network.biases.length - 1][10] = 50;
  const pixels = new Float32Array(20).fill(0.5);
  const result = saliency(network, pixels);
  assert.ok(result.digit < 10, `explained output ${result.digit}`);
  assert.equal(result.score, network.layerOutputs().at(-1)![result.digit]);
  assert.equal(integratedGradients(network, pixels).digit, result.digit);
});
