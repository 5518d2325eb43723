/**
 * Training-time augmentation: digits randomly shifted, rotated, scaled, sheared and elastically
 * distorted, prepared a batch ahead on a Worker (or on the main thread without one).
 *
 * @example
 * ```ts
 * import { openAugmentPipeline } from "./src/augment/mod.ts";
 * const batches = openAugmentPipeline(data.train, plan);
 * try {
 *   await trainNetwork(network, data.train, data.test, plan, position, { batches });
 * } finally {
 *   batches.close();
 * }
 * ```
 * @module
 */
export { augmentDigit, type AugmentOptions, DEFAULT_AUGMENT, IDENTITY_AUGMENT } from "./augment.ts";
export { AugmentedBatchMaker, type BatchPlan } from "./augmented_batches.ts";
export {
  type AugmentPipeline,
  openAugmentPipeline,
  type PipelineOptions,
  type PipelinePlan,
} from "./pipeline.ts";
