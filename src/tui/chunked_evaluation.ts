/** Evaluating a network in slices, so that the screen loop can redraw and take keys in between. */
import type { Dataset } from "../data/dataset.ts";
import type { Network } from "../network/mod.ts";
import { type Evaluation, evaluationSteps } from "../train/evaluate.ts";

/** How far an evaluation is: `done` of `total` samples. */
export interface EvaluationProgress {
  done: number;
  total: number;
}

/**
 * Evaluates the first `limit` samples of `dataset` in chunks of `chunk` samples, calling
 * `send({ done, total })` after each and then pausing for a macrotask (the loop draws and reads
 * keys there). Resolves with the Evaluation, equal to one `evaluateNetwork` call, or with
 * undefined once `signal` aborts (checked after every chunk).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "../network/mod.ts";
 * import { evaluateInChunks } from "./chunked_evaluation.ts";
 *
 * const network = new Network({ layerSizes: [784, 8, 10], activation: "relu" }, {
 *   seed: 1,
 *   maxBatch: 10,
 * });
 * const dataset = { pixels: new Uint8Array(30 * 784), labels: new Uint8Array(30), count: 30 };
 * const seen: number[] = [];
 * const evaluation = await evaluateInChunks(network, dataset, {
 *   chunk: 10,
 *   send: (progress) => seen.push(progress.done),
 * });
 * assert.equal(evaluation?.total, 30);
 * assert.deepEqual(seen, [10, 20, 30]);
 * ```
 */
export async function evaluateInChunks(
  network: Network,
  dataset: Dataset,
  options: {
    limit?: number;
    chunk?: number;
    send?: (progress: EvaluationProgress) => void;
    signal?: AbortSignal;
  } = {},
): Promise<Evaluation | undefined> {
  const total = Math.min(options.limit ?? dataset.count, dataset.count);
  const chunk = options.chunk ?? 1000;
  const steps = evaluationSteps(network, dataset, total);
  let reported = 0;
  while (true) {
    if (options.signal?.aborted) return undefined;
    const step = steps.next();
    if (step.done) return step.value;
    const done = step.value;
    if (done - reported < chunk && done < total) continue;
    reported = done;
    options.send?.({ done, total });
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}
