/**
 * The typed-array network module: a from-scratch multilayer perceptron on Float32Arrays with
 * mini-batch backprop, optimizers and schedules. Pure computation: no I/O, no console.
 *
 * @example
 * ```ts
 * import { Network, defaultOptimizerSettings } from "./src/network/mod.ts";
 * const net = new Network({ layerSizes: [784, 128, 10], activation: "relu" }, { seed: 1 });
 * ```
 */
export * from "./activations.ts";
export * from "./kernels.ts";
export * from "./network.ts";
export * from "./optimizer.ts";
export * from "./random.ts";
export * from "./schedule.ts";
export * from "./tensors.ts";
