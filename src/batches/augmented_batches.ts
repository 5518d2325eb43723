import { type Dataset, IMAGE_PIXELS } from "../data/dataset.ts";
import { deriveSeed, Random } from "../network/random.ts";
import { epochOrder } from "./order.ts";
import { augmentDigit, type AugmentOptions, DEFAULT_AUGMENT } from "../augment/augment.ts";

/** The part of a training plan that decides what a batch holds. */
export interface BatchPlan {
  seed: number;
  batchSize: number;
  /** Training digits per epoch (the first `limit` of the set). */
  limit: number;
}

/**
 * Makes the augmented batches of a plan: batch `step` of `epoch` holds the digits the plain
 * training loop would use, each distorted by `augmentDigit` with one generator seeded by
 * (seed, epoch, step). The worker and the main-thread fallback both use it, so whichever computes
 * a batch, it is the same.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadMnist } from "../data/mod.ts";
 * import { AugmentedBatchMaker } from "./augmented_batches.ts";
 *
 * const data = await loadMnist({ sample: true }); // the full MNIST works the same
 * const maker = new AugmentedBatchMaker(data.train, { seed: 1, batchSize: 64, limit: 200 });
 * assert.equal(maker.steps, 4); // 64 + 64 + 64 + 8 digits
 * const input = new Float32Array(64 * 784); // [64 x 784], 0..1
 * const labels = new Uint8Array(64);
 * assert.equal(maker.fill(0, 3, input, labels), 8); // the short last batch of epoch 0
 * ```
 */
export class AugmentedBatchMaker {
  readonly limit: number;
  readonly batchSize: number;
  /** Batches per epoch. */
  readonly steps: number;
  private readonly order: Uint32Array;
  private orderEpoch = -1;
  private readonly source = new Float32Array(IMAGE_PIXELS);
  private readonly target = new Float32Array(IMAGE_PIXELS);

  constructor(
    private readonly train: Dataset,
    private readonly plan: BatchPlan,
    private readonly options: Readonly<AugmentOptions> = DEFAULT_AUGMENT,
  ) {
    this.limit = Math.min(plan.limit, train.count);
    this.batchSize = plan.batchSize;
    this.steps = Math.ceil(this.limit / plan.batchSize);
    this.order = new Uint32Array(this.limit);
  }

  /** Digits in batch `step` (the last batch of an epoch may be short). */
  countAt(step: number): number {
    return Math.max(0, Math.min(this.batchSize, this.limit - step * this.batchSize));
  }

  /**
   * Writes batch `step` of `epoch` into `input` [count x 784] (0..1) and `labels` [count];
   * returns count.
   */
  fill(epoch: number, step: number, input: Float32Array, labels: Uint8Array): number {
    const count = this.countAt(step);
    if (count === 0) throw new RangeError(`epoch ${epoch} has no batch ${step}`);
    if (epoch !== this.orderEpoch) {
      epochOrder(this.order, this.plan.seed, epoch);
      this.orderEpoch = epoch;
    }
    const rng = new Random(deriveSeed(this.plan.seed, epoch, step));
    const { pixels } = this.train;
    const { source, target } = this;
    const start = step * this.batchSize;
    for (let b = 0; b < count; b++) {
      const sample = this.order[start + b];
      const from = sample * IMAGE_PIXELS;
      for (let p = 0; p < IMAGE_PIXELS; p++) source[p] = pixels[from + p] / 255;
      augmentDigit(source, target, rng, this.options);
      input.set(target, b * IMAGE_PIXELS);
      labels[b] = this.train.labels[sample];
    }
    return count;
  }
}
