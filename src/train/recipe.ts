import type { Activation, OptimizerKind, ScheduleKind } from "../network/mod.ts";

/**
 * What `train` does when given no flags: the recipe the benchmark found best on this kind of
 * machine (see README, "Training recipe"). Everything here can be overridden by a flag.
 */
export const DEFAULT_RECIPE = {
  hidden: [256] as number[],
  activation: "relu" as Activation,
  epochs: 5,
  batchSize: 64,
  optimizer: "adam" as OptimizerKind,
  learningRate: 0.003,
  schedule: "cosine" as ScheduleKind,
  warmupEpochs: 0.1,
  weightDecay: 0,
  seed: 1,
};
