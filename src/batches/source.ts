/**
 * Where training batches come from instead of straight from the dataset (augmentation, maybe
 * prepared ahead on another thread). Batch `step` of `epoch` must hold the samples
 * `epochOrder(seed, epoch)[step * batchSize ..]` and depend on nothing but plan seed, epoch and
 * step, so that a resumed run continues exactly.
 */
export interface BatchSource {
  /**
   * Fills `input` and `labels` with batch `step` of `epoch`: its `count` digits, then (with
   * not-a-digit images in the plan) its negatives, labelled NOT_A_DIGIT.
   */
  fill(
    epoch: number,
    step: number,
    count: number,
    input: Float32Array,
    labels: Uint8Array,
  ): void | Promise<void>;
}
