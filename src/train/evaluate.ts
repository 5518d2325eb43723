import type { Dataset } from "../data/dataset.ts";
import type { Network } from "../network/mod.ts";
import { fillBatch, sequentialOrder } from "./batch.ts";
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
    const probabilities = network.forward(count);
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
    onProgress?.(start + count, total);
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
