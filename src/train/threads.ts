/**
 * How many threads train a network: `--threads N`, or "auto": both cores where a second thread
 * pays for its synchronisation (measured with `deno task bench`: see the README's speed table).
 *
 * @module
 */
import type { Network } from "../network/mod.ts";

/** Threads the half-batch split can use: one per half. */
export const MAX_THREADS = 2;

/** Smallest batch whose halves are worth two threads (below, the waiting costs more). */
const MIN_PARALLEL_BATCH = 16;

/**
 * Multiply-adds per sample below which a second thread does not pay (a tiny network: the
 * barriers and the gradient sum cost more than half the batch's work).
 */
const MIN_PARALLEL_WORK = 20_000;

/**
 * The thread count for training `network` at `batch`: `choice` when a number (capped by what
 * the network supports), else 2 when the machine has two cores, the network runs on
 * WebAssembly kernels with halves, and the batch and network are large enough to pay.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "../network/mod.ts";
 * import { threadsFor } from "./threads.ts";
 * const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" });
 * assert.equal(threadsFor("auto", network, 64), 1); // TypeScript kernels: one thread
 * assert.equal(threadsFor(1, network, 64), 1);
 * ```
 */
export function threadsFor(choice: number | "auto", network: Network, batch: number): number {
  const possible = network.halves && network.kernels.memory !== undefined && batch >= 2;
  if (!possible) return 1;
  if (choice !== "auto") return Math.max(1, Math.min(choice, MAX_THREADS));
  const cores = navigator.hardwareConcurrency ?? 1;
  if (cores < 2 || batch < MIN_PARALLEL_BATCH) return 1;
  return workPerSample(network) >= MIN_PARALLEL_WORK ? MAX_THREADS : 1;
}

/** Multiply-adds of one sample's forward pass (the backward pass is about twice that). */
function workPerSample(network: Network): number {
  let work = 0;
  for (const p of network.parameters) {
    if (!p.decays) continue; // biases
    // A dense weight is used once per sample; a conv weight once per output pixel.
    work += p.value.length * (p.shape.length === 4 ? pixelsOf(network, p.name) : 1);
  }
  return work;
}

function pixelsOf(network: Network, name: string): number {
  const index = Number(name.split(".")[1]);
  const shape = network.layerShapes[index];
  return shape.length === 3 ? shape[0] * shape[1] : 1;
}
