import type { Dataset } from "../data/dataset.ts";
import type { Network } from "../network/mod.ts";
import { fillBatch, sequentialOrder } from "../batches/batch.ts";
import { emptyConfusion } from "./metrics.ts";

/** What a network got right and wrong on a dataset. */
export interface Evaluation {
  correct: number;
  total: number;
  accuracy: number;
  /** Mean cross-entropy. */
  loss: number;
  /** [true digit][predicted digit] counts. */
  confusion: number[][];
  /** The predicted digit for each evaluated sample, in dataset order. */
  predictions: Uint8Array;
  /** The winning probability for each evaluated sample. */
  confidences: Float32Array;
}

/**
 * Runs the first `limit` samples of `dataset` through `network` in batches of its maxBatch.
 * `onProgress(done, total)` is called after every batch (for a progress bar).
 */
export function evaluateNetwork(
  network: Network,
  dataset: Dataset,
  limit = dataset.count,
  onProgress?: (done: number, total: number) => void,
): Evaluation {
  const total = Math.min(limit, dataset.count);
  const steps = evaluationSteps(network, dataset, limit);
  while (true) {
    const step = steps.next();
    if (step.done) return step.value;
    onProgress?.(step.value, total);
  }
}

/**
 * The evaluation one batch at a time: yields the samples done so far after every batch and
 * returns the whole Evaluation, so that a screen can pause between batches to redraw.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadMnist } from "../data/mod.ts";
 * import { loadNetworkModel } from "./checkpoint.ts";
 * import { evaluationSteps } from "./evaluate.ts";
 *
 * const { network } = await loadNetworkModel("models/pretrained.safetensors", { maxBatch: 250 });
 * const data = await loadMnist();
 * const steps = evaluationSteps(network, data.test, 1000); // the first 1,000 test digits
 * const progress: number[] = [];
 * let step = steps.next();
 * while (!step.done) {
 *   progress.push(step.value); // digits done so far: a screen would redraw here
 *   step = steps.next();
 * }
 * assert.deepEqual(progress, [250, 500, 750, 1000]);
 * assert.ok(step.value.accuracy > 0.97); // step.value is the whole Evaluation
 * ```
 */
export function* evaluationSteps(
  network: Network,
  dataset: Dataset,
  limit = dataset.count,
): Generator<number, Evaluation> {
  const total = Math.min(limit, dataset.count);
  const order = sequentialOrder(total);
  const labels = new Uint8Array(network.maxBatch);
  const classes = network.layerSizes[network.layerSizes.length - 1];
  const confusion = emptyConfusion(classes);
  const predictions = new Uint8Array(total);
  const confidences = new Float32Array(total);
  let correct = 0;
  let lossSum = 0;
  for (let start = 0; start < total; start += network.maxBatch) {
    const count = Math.min(network.maxBatch, total - start);
    fillBatch(dataset, order, start, count, network.input, labels);
    // On both threads when the network has two (the same numbers as one).
    const probabilities = network.forwardParallel(count); // [count x classes]
    const result = network.evaluateLoss(labels);
    lossSum += result.loss * count;
    for (let b = 0; b < count; b++) {
      let best = 0;
      for (let c = 1; c < classes; c++) {
        if (probabilities[b * classes + c] > probabilities[b * classes + best]) best = c;
      }
      predictions[start + b] = best;
      confidences[start + b] = probabilities[b * classes + best];
      confusion[labels[b]][best]++;
      if (best === labels[b]) correct++;
    }
    yield start + count;
  }
  return {
    correct,
    total,
    accuracy: total > 0 ? correct / total : 0,
    loss: total > 0 ? lossSum / total : 0,
    confusion,
    predictions,
    confidences,
  };
}
