/**
 * Batch normalization folded into the layer before it, for inference: a `bn` after a conv or
 * dense layer computes, per output channel o, with its running statistics,
 *
 *     y_o = gamma_o (z_o - mean_o) / sqrt(var_o + eps) + beta_o,  z_o = W_o · x + b_o
 *
 * which is one affine map: W'_o = s_o W_o and b'_o = s_o (b_o - mean_o) + beta_o with
 * s_o = gamma_o / sqrt(var_o + eps). A weights-only model file stores the folded network: fewer
 * layers, the same outputs (to float rounding).
 *
 * @module
 */
import { createTsKernels } from "./kernels.ts";
import type { LayerSpec } from "./layer_spec.ts";
import { BATCH_NORM_EPSILON } from "./layers.ts";
import { Network } from "./network.ts";

/**
 * A new network (TypeScript kernels, batch of 1 unless `maxBatch`) without `bn` layers, each
 * folded into the conv or dense layer before it (marked `foldedBn`); the network itself when it
 * has none. Optimizer state is not carried over.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { foldBatchNorm } from "./fold_batch_norm.ts";
 * import { parseLayerSpec } from "./layer_spec.ts";
 * import { Network } from "./network.ts";
 * const network = new Network(parseLayerSpec("conv3x4,bn,pool,dense8,bn"), { maxBatch: 1 });
 * const folded = foldBatchNorm(network);
 * assert.deepEqual(folded.layers.map((l) => l.kind), ["conv", "pool", "dense", "dense"]);
 * network.input.fill(0.5, 0, 784);
 * folded.input.fill(0.5, 0, 784);
 * const [a, b] = [network.forward(1), folded.forward(1)];
 * assert.ok(a.every((p, i) => Math.abs(p - b[i]) < 1e-6));
 * ```
 */
export function foldBatchNorm(network: Network, maxBatch = 1): Network {
  const layers = network.layers;
  if (!layers.some((layer) => layer.kind === "bn")) return network;
  const folded: LayerSpec[] = [];
  /** For each layer of `folded`, the index of its layer in `layers`. */
  const source: number[] = [];
  layers.forEach((layer, k) => {
    if (layer.kind !== "bn") {
      folded.push({ ...layer });
      source.push(k);
      return;
    }
    const before = folded[folded.length - 1];
    if (before.kind !== "conv" && before.kind !== "dense") {
      throw new RangeError(`layer ${k}: bn follows no conv or dense layer`);
    }
    before.foldedBn = true;
  });
  const result = new Network({ inputShape: network.inputShape, layers: folded }, {
    kernels: createTsKernels(),
    maxBatch,
    seed: network.seed,
  });
  const tensor = (name: string): Float32Array => {
    const found = network.parameters.find((p) => p.name === name) ??
      network.stateTensors.find((t) => t.name === name);
    if (!found) throw new Error(`no tensor ${name}`);
    return found.value;
  };
  folded.forEach((layer, j) => {
    if (layer.kind !== "conv" && layer.kind !== "dense") return;
    const k = source[j];
    const weight = tensor(`layers.${k}.weight`);
    const bias = tensor(`layers.${k}.bias`);
    const toWeight = result.parameters.find((p) => p.name === `layers.${j}.weight`)!.value;
    const toBias = result.parameters.find((p) => p.name === `layers.${j}.bias`)!.value;
    if (!layer.foldedBn) {
      toWeight.set(weight);
      toBias.set(bias);
      return;
    }
    const gamma = tensor(`layers.${k + 1}.weight`);
    const beta = tensor(`layers.${k + 1}.bias`);
    const mean = tensor(`layers.${k + 1}.running_mean`);
    const variance = tensor(`layers.${k + 1}.running_var`);
    const outputs = bias.length;
    const scale = new Float64Array(outputs);
    for (let o = 0; o < outputs; o++) {
      scale[o] = gamma[o] / Math.sqrt(variance[o] + BATCH_NORM_EPSILON);
      toBias[o] = scale[o] * (bias[o] - mean[o]) + beta[o];
    }
    // Conv weights are [out, k, k, in] (a row per output), dense [in x out] (a column per one).
    const perOutput = weight.length / outputs;
    for (let i = 0; i < weight.length; i++) {
      const o = layer.kind === "conv" ? Math.floor(i / perOutput) : i % outputs;
      toWeight[i] = weight[i] * scale[o];
    }
  });
  return result;
}
