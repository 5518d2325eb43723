/** Evaluating a network in slices, so a screen can redraw and read keys in between. */
import type { Dataset } from "../../data/dataset.ts";
import type { Network } from "../../network/mod.ts";
import { evaluateNetwork, type Evaluation } from "../../train/evaluate.ts";
import { emptyConfusion } from "../../train/metrics.ts";

/**
 * Evaluates the first `limit` samples of `dataset` in chunks of `chunk` samples, awaiting
 * `onProgress(done, total)` after each (a screen redraws there; a macrotask pause lets keys
 * in). `shouldStop` ends early with undefined. The result equals one `evaluateNetwork` call.
 *
 * @example
 * ```ts
 * const evaluation = await evaluateInChunks(network, data.test, { onProgress: draw });
 * ```
 */
export async function evaluateInChunks(
  network: Network,
  dataset: Dataset,
  options: {
    limit?: number;
    chunk?: number;
    onProgress?: (done: number, total: number) => void;
    shouldStop?: () => boolean;
  } = {},
): Promise<Evaluation | undefined> {
  const total = Math.min(options.limit ?? dataset.count, dataset.count);
  const chunk = options.chunk ?? 1000;
  const classes = network.layerSizes[network.layerSizes.length - 1];
  const confusion = emptyConfusion(classes);
  const predictions = new Uint8Array(total);
  const confidences = new Float32Array(total);
  let correct = 0;
  let lossSum = 0;
  for (let start = 0; start < total; start += chunk) {
    const count = Math.min(chunk, total - start);
    const slice: Dataset = {
      pixels: dataset.pixels.subarray(start * 784, (start + count) * 784), // [count x 784]
      labels: dataset.labels.subarray(start, start + count),
      count,
    };
    const part = evaluateNetwork(network, slice);
    correct += part.correct;
    lossSum += part.loss * count;
    predictions.set(part.predictions, start);
    confidences.set(part.confidences, start);
    for (let t = 0; t < classes; t++) {
      for (let p = 0; p < classes; p++) confusion[t][p] += part.confusion[t][p];
    }
    options.onProgress?.(start + count, total);
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (options.shouldStop?.()) return undefined;
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
