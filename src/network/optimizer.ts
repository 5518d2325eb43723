/** Optimizers the network can train with. */
export type OptimizerKind = "sgd" | "momentum" | "adam";

/** All supported optimizers, for validation and help texts. */
export const OPTIMIZERS: readonly OptimizerKind[] = ["sgd", "momentum", "adam"];

/** An optimizer and its hyperparameters; all are saved in model files. */
export interface OptimizerSettings {
  kind: OptimizerKind;
  /** Base learning rate; the schedule scales it per step. */
  learningRate: number;
  /** Velocity decay for "momentum". */
  momentum: number;
  /** Adam's moment decays and denominator guard. */
  beta1: number;
  beta2: number;
  epsilon: number;
  /**
   * Weight decay on weights (not biases): added to the gradient as L2 for sgd/momentum,
   * decoupled (AdamW) for adam.
   */
  weightDecay: number;
}

/** Sensible defaults per optimizer (learning rates tuned on MNIST with batch 64). */
export function defaultOptimizerSettings(kind: OptimizerKind): OptimizerSettings {
  const learningRate = kind === "adam" ? 0.001 : kind === "momentum" ? 0.05 : 0.1;
  return {
    kind,
    learningRate,
    momentum: kind === "momentum" ? 0.9 : 0,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-8,
    weightDecay: 0,
  };
}
