/** Evaluating a network in slices, so a screen can redraw and read keys in between. */
import type { Dataset } from "../../data/dataset.ts";
import type { Network } from "../../network/mod.ts";
import { type Evaluation, evaluationSteps } from "../../train/evaluate.ts";

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
  const steps = evaluationSteps(network, dataset, total);
  let reported = 0;
  while (true) {
    const step = steps.next();
    if (step.done) return step.value;
    const done = step.value;
    if (done - reported < chunk && done < total) continue;
    reported = done;
    options.onProgress?.(done, total);
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (options.shouldStop?.()) return undefined;
  }
}
