/**
 * Training batches: which digits an epoch visits in which order (`epochOrder`), copying them
 * into the network's input (`fillBatch`), and augmented batches prepared ahead on a Worker
 * (`openAugmentPipeline`). Each batch depends only on the plan's seed, the epoch and the step,
 * so a resumed run sees exactly the batches an uninterrupted one would.
 *
 * @module
 */
export { copyBatchPixels, fillBatch, sequentialOrder } from "./batch.ts";
export { epochOrder } from "./order.ts";
export type { BatchSource } from "./source.ts";
export {
  AugmentedBatchMaker,
  type BatchPlan,
  type NegativePool,
  negativesPerBatch,
} from "./augmented_batches.ts";
export {
  type AugmentPipeline,
  openAugmentPipeline,
  type PipelineOptions,
  type PipelinePlan,
} from "./pipeline.ts";
