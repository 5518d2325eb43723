/**
 * The typed-array network module: from-scratch networks of dense, convolutional, pooling and
 * dropout layers on Float32Arrays, with mini-batch backprop, optimizers and schedules. Pure computation: no I/O, no console.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network, parseLayerSpec } from "./mod.ts";
 * const mlp = new Network({ layerSizes: [784, 128, 10], activation: "relu" }, { seed: 1 });
 * const cnn = new Network(parseLayerSpec("cnn"), { seed: 1, maxBatch: 64 });
 * assert.equal(mlp.parameterCount, 101_770);
 * assert.equal(cnn.summary().length, 7);
 * ```
 */
export * from "./activations.ts";
export * from "./half_batch.ts";
export * from "./half_batch_engine.ts";
export * from "./kernels.ts";
export * from "./layer_spec.ts";
export type { Layer, Parameter, StateTensor } from "./layers.ts";
export * from "./network.ts";
export * from "./optimizer.ts";
export * from "./random.ts";
export * from "./schedule.ts";
export * from "./tensors.ts";
export * from "./fold_batch_norm.ts";
