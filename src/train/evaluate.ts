import type { Dataset } from "../data/dataset.ts";
import { bestDigit, DIGIT_CLASSES, Network } from "../network/mod.ts";
import { fillBatch, sequentialOrder } from "../batches/batch.ts";
import { emptyConfusion } from "./metrics.ts";
import { startSecondThread } from "../network/half_batch_thread.ts";
import { selectKernels } from "../network/select_kernels.ts";
import { confidenceOutputs } from "./refusal_rule.ts";
import { evaluationPays } from "./threads.ts";

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
  /** The winning probability for each evaluated sample (with the model's temperature). */
  confidences: Float32Array;
  /**
   * [total x classes] every sample's softmax probabilities, for calibration (evaluationSteps
   * always sets them).
   */
  probabilities?: Float32Array;
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

/** Rows per batch of the two-thread copy (half on each thread). */
const PARALLEL_EVALUATION_BATCH = 128;

/**
 * `evaluateNetwork` on both cores when that pays (`evaluationPays`: a conv net's whole test
 * set), else on this thread: the network is copied into one built for two threads, whose
 * second thread computes half of every batch. The same numbers either way (each sample's
 * output depends only on that sample).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "../network/mod.ts";
 * import { evaluateOnThreads } from "./evaluate.ts";
 * import { syntheticDigits } from "./test_data.ts";
 * const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, { seed: 1 });
 * const evaluation = await evaluateOnThreads(network, syntheticDigits(50));
 * assert.equal(evaluation.total, 50);
 * ```
 */
export async function evaluateOnThreads(
  network: Network,
  dataset: Dataset,
  limit = dataset.count,
  onProgress?: (done: number, total: number) => void,
): Promise<Evaluation> {
  const total = Math.min(limit, dataset.count);
  // The twin multiplies as the network does (strict stays strict).
  const kernels = evaluationPays(network, total)
    ? selectKernels("auto", { strictMath: !network.kernels.fused })
    : undefined;
  // The second thread runs WebAssembly kernels on shared memory; the TS ones stay on one.
  if (!kernels || !kernels.name.startsWith("wasm")) {
    return evaluateNetwork(network, dataset, limit, onProgress);
  }
  const twin = new Network({ inputShape: network.inputShape, layers: [...network.layers] }, {
    maxBatch: Math.min(PARALLEL_EVALUATION_BATCH, Math.max(network.maxBatch, 2)),
    kernels,
    halves: true,
  });
  twin.copyFrom(network);
  const second = await startSecondThread(twin);
  try {
    return evaluateNetwork(twin, dataset, limit, onProgress);
  } finally {
    second.close();
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
 * const data = await loadMnist({ sample: true }); // the full MNIST works the same
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
  // The guess is the best digit; a model's "not a digit" output (its 11th) is never a guess.
  const digits = Math.min(classes, DIGIT_CLASSES);
  const confusion = emptyConfusion(digits);
  const predictions = new Uint8Array(total);
  const confidences = new Float32Array(total);
  const allProbabilities = new Float32Array(total * classes);
  const temperature = network.readout.temperature;
  // A model read in two parts is as sure of its guess as the ten digits renormalized say.
  const read = confidenceOutputs(network);
  let correct = 0;
  let lossSum = 0;
  for (let start = 0; start < total; start += network.maxBatch) {
    const count = Math.min(network.maxBatch, total - start);
    fillBatch(dataset, order, start, count, network.input, labels);
    // On both threads when the network has two (the same numbers as one).
    const probabilities = network.halves?.forward(count) ?? network.forward(count); // [count x classes]
    const result = network.evaluateLoss(labels);
    lossSum += result.loss * count;
    allProbabilities.set(probabilities.subarray(0, count * classes), start * classes);
    for (let b = 0; b < count; b++) {
      const best = bestDigit(probabilities, b * classes, classes);
      predictions[start + b] = best;
      confidences[start + b] = temperature === 1 && read === classes
        ? probabilities[b * classes + best]
        : calibratedConfidence(probabilities, b, classes, temperature, best, read);
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
    probabilities: allProbabilities,
  };
}

/**
 * Row `row`'s probability of `digit` after temperature scaling, softmax(log p / T) over its
 * first `read` outputs (all of them, or the ten digits of a model read in two parts).
 */
function calibratedConfidence(
  probabilities: Float32Array,
  row: number,
  classes: number,
  temperature: number,
  digit: number,
  read: number,
): number {
  const from = row * classes;
  const top = Math.log(Math.max(probabilities[from + digit], 1e-45));
  let sum = 0;
  for (let c = 0; c < read; c++) {
    sum += Math.exp((Math.log(Math.max(probabilities[from + c], 1e-45)) - top) / temperature);
  }
  return 1 / sum;
}
