import { type Dataset, IMAGE_PIXELS } from "../data/dataset.ts";
import { deriveSeed, Random } from "../network/random.ts";
import { NOT_A_DIGIT } from "../network/network.ts";
import { epochOrder } from "./order.ts";
import { augmentDigit, type AugmentOptions, DEFAULT_AUGMENT } from "../augment/augment.ts";

/** The part of a training plan that decides what a batch holds. */
export interface BatchPlan {
  seed: number;
  batchSize: number;
  /** Training digits per epoch (the first `limit` of the set). */
  limit: number;
  /**
   * Not-a-digit images per digit in each batch (outlier exposure; 0 or absent: none): a batch
   * of `count` digits is followed by `negativesPerBatch(count, ratio)` of them.
   */
  negativeRatio?: number;
}

/** Not-a-digit images a batch draws from: [count x 784] ink-bright 0..1 (src/negatives). */
export interface NegativePool {
  pixels: Float32Array;
  count: number;
}

/** Not-a-digit rows after `count` digits in a batch (see BatchPlan.negativeRatio). */
export function negativesPerBatch(count: number, ratio = 0): number {
  return Math.round(count * ratio);
}

/**
 * Seeds the choice and distortion of a batch's not-a-digit images apart from its digits'
 * (deriveSeed(seed, NEGATIVE_STREAM, epoch, step)), so adding negatives to a plan leaves the
 * digits' distortions as they were.
 */
const NEGATIVE_STREAM = 0x6e6567;

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

  /**
   * `negatives`: the not-a-digit images a batch draws from, required when the plan has a
   * `negativeRatio`.
   */
  constructor(
    private readonly train: Dataset,
    private readonly plan: BatchPlan,
    private readonly options: Readonly<AugmentOptions> = DEFAULT_AUGMENT,
    private readonly negatives?: NegativePool,
  ) {
    if ((plan.negativeRatio ?? 0) > 0 && !(negatives && negatives.count > 0)) {
      throw new RangeError("a plan with not-a-digit images needs some to draw from");
    }
    this.limit = Math.min(plan.limit, train.count);
    this.batchSize = plan.batchSize;
    this.steps = Math.ceil(this.limit / plan.batchSize);
    this.order = new Uint32Array(this.limit);
  }

  /** Digits in batch `step` (the last batch of an epoch may be short). */
  countAt(step: number): number {
    return Math.max(0, Math.min(this.batchSize, this.limit - step * this.batchSize));
  }

  /** Rows of batch `step`: its digits, then its not-a-digit images. */
  rowsAt(step: number): number {
    const count = this.countAt(step);
    return count + negativesPerBatch(count, this.plan.negativeRatio);
  }

  /**
   * Writes batch `step` of `epoch` into `input` [rows x 784] (0..1) and `labels` [rows]: its
   * digits, then its not-a-digit images (label NOT_A_DIGIT), each drawn at random from the
   * negatives and distorted like a digit. Returns the digits' count.
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
    const extra = negativesPerBatch(count, this.plan.negativeRatio);
    if (extra > 0) {
      const negatives = this.negatives!;
      const pick = new Random(deriveSeed(this.plan.seed, NEGATIVE_STREAM, epoch, step));
      for (let b = count; b < count + extra; b++) {
        const from = Math.floor(pick.next() * negatives.count) * IMAGE_PIXELS;
        source.set(negatives.pixels.subarray(from, from + IMAGE_PIXELS));
        augmentDigit(source, target, pick, this.options);
        input.set(target, b * IMAGE_PIXELS);
        labels[b] = NOT_A_DIGIT;
      }
    }
    return count;
  }
}
