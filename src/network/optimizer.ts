/** Optimizers the network can train with. */
export type OptimizerKind = "sgd" | "momentum" | "adam";

/** All supported optimizers, for validation and help texts. */
export const OPTIMIZERS: readonly OptimizerKind[] = ["sgd", "momentum", "adam"];

/** An optimizer and its hyperparameters; all are saved in model files. */
export interface OptimizerSettings {
  /** Which optimizer. */
  kind: OptimizerKind;
  /** Base learning rate; the schedule scales it per step. */
  learningRate: number;
  /** Velocity decay for "momentum". */
  momentum: number;
  /** Adam's decay of the first moment (the mean gradient). */
  beta1: number;
  /** Adam's decay of the second moment (the mean squared gradient). */
  beta2: number;
  /** Adam's denominator guard. */
  epsilon: number;
  /**
   * Weight decay on weights (not biases): added to the gradient as L2 for sgd/momentum,
   * decoupled (AdamW) for adam.
   */
  weightDecay: number;
}

/**
 * The base learning rate each optimizer trains best with on MNIST at batch 64 with the cosine
 * schedule (adam's 0.003 is the default recipe's). The one place these numbers are written: the
 * training options (`src/train/options.ts`) show and use them as `--lr`'s default per optimizer.
 */
export const DEFAULT_LEARNING_RATES: Readonly<Record<OptimizerKind, number>> = {
  sgd: 0.1,
  momentum: 0.05,
  adam: 0.003,
};

/**
 * An optimizer's hyperparameters with their usual values: the learning rate of
 * DEFAULT_LEARNING_RATES, momentum 0.9 (for "momentum"), Adam's betas 0.9 and 0.999, no weight
 * decay.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultOptimizerSettings } from "./optimizer.ts";
 * assert.equal(defaultOptimizerSettings("adam").learningRate, 0.003);
 * assert.equal(defaultOptimizerSettings("momentum").momentum, 0.9);
 * ```
 */
export function defaultOptimizerSettings(kind: OptimizerKind): OptimizerSettings {
  return {
    kind,
    learningRate: DEFAULT_LEARNING_RATES[kind],
    momentum: kind === "momentum" ? 0.9 : 0,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-8,
    weightDecay: 0,
  };
}
