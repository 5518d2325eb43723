/**
 * The finite-difference gradient check the layer tests share: backprop's gradients against
 * central differences of the training loss, for every parameter value and every input value
 * (dropout, if any, on with its mask fixed by the step; batch norm with batch statistics, so
 * each value moves its channel's mean and variance too). For tests only.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Kernels } from "./kernels.ts";
import type { LayeredArchitecture } from "./layer_spec.ts";
import { Network } from "./network.ts";
import { Random } from "./random.ts";

/** Fills `values` with uniform -1..1, a `zeroFraction` of them 0 (to exercise zero skipping). */
export function fillRandom(values: Float32Array, rng: Random, zeroFraction = 0): void {
  for (let i = 0; i < values.length; i++) {
    values[i] = rng.next() < zeroFraction ? 0 : rng.uniform(-1, 1);
  }
}

/**
 * Checks every gradient of a network built from `architecture` on a random batch; returns how
 * many values were checked (fails the test at the first that disagrees).
 */
export function checkGradients(
  architecture: LayeredArchitecture,
  batch: number,
  seed: number,
  options: { zeroFraction?: number; kernels?: Kernels } = {},
): number {
  const net = new Network(architecture, {
    seed,
    maxBatch: batch,
    inputGradient: true,
    kernels: options.kernels,
  });
  const rng = new Random(seed + 100);
  for (const p of net.parameters) if (!p.decays) fillRandom(p.value, rng); // biases, bn's too
  const inputs = net.input.subarray(0, batch * net.layerSizes[0]);
  fillRandom(inputs, rng, options.zeroFraction ?? 0);
  const classes = net.layerSizes[net.layerSizes.length - 1];
  const labels = new Uint8Array(batch).map((_, b) => b % classes);
  const lossAt = () => {
    net.forward(batch, true);
    return net.evaluateLoss(labels).loss;
  };
  lossAt();
  net.backward(labels);
  const tensors: Array<[string, Float32Array, Float32Array]> = net.parameters.map((p) => [
    p.name,
    p.value,
    p.grad.slice(),
  ]);
  tensors.push(["input", inputs, net.inputGrad!.slice(0, inputs.length)]);
  let checked = 0;
  for (const [name, values, analytic] of tensors) {
    for (let i = 0; i < values.length; i++) {
      const original = values[i];
      const h = 1e-3;
      values[i] = original + h;
      const up = lossAt();
      values[i] = original - h;
      const down = lossAt();
      values[i] = original;
      // dL/dv ~ (L(v + h) - L(v - h)) / 2h
      const numeric = (up - down) / (2 * h);
      const tolerance = 2e-3 + 2e-2 * Math.abs(analytic[i]);
      if (!(Math.abs(numeric - analytic[i]) < tolerance)) {
        assert.fail(`${name}[${i}]: numeric ${numeric} vs backprop ${analytic[i]}`);
      }
      checked++;
    }
  }
  return checked;
}
