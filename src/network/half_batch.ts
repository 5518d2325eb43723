/**
 * What the two halves of a batch share between threads: the job one thread hands the other
 * and the optimizer update cut in two parts. Pure computation; the threads themselves are in
 * half_batch_thread.ts (main side) and half_batch_worker.ts (the second thread).
 *
 * Why halves: the gradient of a batch is a sum over its samples, and float addition depends
 * on its order. A dense layer's gradient rows are summed over the first half's samples, then
 * the second's, in order (by whichever thread updates those rows); any other layer's gradient
 * is summed per half, then dW = dW_first + dW_second, element by element. One thread computes
 * both halves in turn, two threads one each: the same operations on the same numbers, so the
 * same bits.
 *
 * @module
 */
import type { AdamUpdate, Kernels } from "./kernels.ts";
import type { OptimizerSettings } from "./optimizer.ts";

/** One part of one parameter tensor for the update (views into the arena). */
export interface StepPart {
  value: Float32Array;
  /** The first half's gradient: made the whole batch's by adding `secondGrad`. */
  grad: Float32Array;
  /** The second half's gradient (absent without halves). */
  secondGrad: Float32Array | undefined;
  moment1: Float32Array;
  moment2: Float32Array;
  decays: boolean;
  /**
   * Computes `grad` for the whole batch from both halves' samples and, given `step`, takes the
   * optimizer step too (dense layers: the rows of the weight gradient this part updates, how
   * many set by `Network.updateSplit`, and the bias gradient with the first part; Adam in the
   * same pass), given each half's sample count; absent: `grad` (+ `secondGrad`) came from the
   * backward passes.
   */
  gradient?: (firstRows: number, secondRows: number, step: OptimizerStep | undefined) => void;
}

/** One optimizer update: the settings, the schedule's learning rate, Adam's bias corrections. */
export interface OptimizerStep {
  settings: OptimizerSettings;
  learningRate: number;
  /** 1 - beta1^t. */
  correction1: number;
  /** 1 - beta2^t. */
  correction2: number;
}

/** What the second thread does with a batch. */
export const JobKind = {
  /** Forward pass of its rows only (evaluation). */
  forward: 1,
  /** Forward and backward of its half, then the gradients of its part (no update). */
  gradients: 2,
  /** As gradients, then the optimizer update of its part. */
  train: 3,
  /** Stop the thread. */
  quit: 4,
} as const;

/** A job for the second thread: the second half of one batch, and how to update. */
export interface HalfJob {
  /** What to do (JobKind). */
  kind: (typeof JobKind)[keyof typeof JobKind];
  /** Samples in the second half. */
  rows: number;
  /** The second half's first sample's row in the whole batch (its dropout masks). */
  firstRow: number;
  /** The whole batch (the loss is a mean over it). */
  batch: number;
  /** The optimizer step the dropout masks are drawn for. */
  dropoutStep: number;
  /** The network's seed (the dropout masks derive from it). */
  seed: number;
  /** The weight of a not-a-digit sample's loss (Network.negativeWeight); 1 when absent. */
  negativeWeight?: number;
  /** The optimizer, for a train job. */
  settings?: OptimizerSettings;
  /** This step's learning rate (the schedule's), for a train job. */
  learningRate?: number;
  /** Adam's bias correction 1 - beta1^t for this step. */
  correction1?: number;
  /** Adam's bias correction 1 - beta2^t for this step. */
  correction2?: number;
  /** Whether the half's input rows are pixel bytes to scale first (a `RowFiller` wrote them). */
  pixels?: boolean;
  /** `Network.updateSplit` for this batch (both threads cut the update there). */
  split?: number;
}

/**
 * For each part: with `rows` (each half's sample count), computes the whole batch's gradient
 * where the part has a `gradient` (dense layers), else adds the second half's gradient into the
 * first's (when `addSecond`); then, when `settings` is given, applies one optimizer update.
 * Every update is element by element and every gradient row sums the batch's samples in order,
 * so cutting the tensors into parts changes no bit of the result.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createTsKernels } from "./kernels.ts";
 * import { stepParameters } from "./half_batch.ts";
 * import { defaultOptimizerSettings } from "./optimizer.ts";
 * const part = {
 *   value: new Float32Array([1, 1]),
 *   grad: new Float32Array([0.5, 1]),
 *   secondGrad: new Float32Array([0.5, 1]),
 *   moment1: new Float32Array(2),
 *   moment2: new Float32Array(2),
 *   decays: false,
 * };
 * stepParameters(createTsKernels(), [part], true, defaultOptimizerSettings("sgd"), 0.1, 1, 1, [1, 1]);
 * assert.deepEqual([...part.grad], [1, 2]);
 * assert.deepEqual([...part.value], [0.8999999761581421, 0.800000011920929]);
 * ```
 */
export function stepParameters(
  kernels: Kernels,
  parts: readonly StepPart[],
  addSecond: boolean,
  settings: OptimizerSettings | undefined,
  learningRate: number,
  correction1: number,
  correction2: number,
  rows: readonly [number, number] | undefined,
): void {
  const step = settings && { settings, learningRate, correction1, correction2 };
  for (const p of parts) {
    if (p.value.length === 0) continue;
    if (rows && p.gradient) {
      p.gradient(rows[0], rows[1], step); // the step goes with the gradient
      continue;
    }
    if (addSecond && p.secondGrad) kernels.addInto(p.grad, p.secondGrad, p.grad.length);
    if (!settings) continue;
    if (settings.kind === "adam") {
      kernels.adamStep(
        p.value,
        p.grad,
        p.moment1,
        p.moment2,
        learningRate,
        settings.beta1,
        settings.beta2,
        settings.epsilon,
        p.decays ? settings.weightDecay : 0,
        correction1,
        correction2,
      );
    } else {
      kernels.sgdStep(
        p.value,
        p.grad,
        p.moment1,
        learningRate,
        settings.kind === "momentum" ? settings.momentum : 0,
        p.decays ? settings.weightDecay : 0,
      );
    }
  }
}

/**
 * `step` as the AdamW update of a tensor (`param` and its moments) when its optimizer is Adam,
 * with weight decay when the tensor `decays`; undefined for sgd and momentum.
 */
export function adamUpdate(
  step: OptimizerStep,
  decays: boolean,
  param: Float32Array,
  m: Float32Array,
  v: Float32Array,
): AdamUpdate | undefined {
  const s = step.settings;
  if (s.kind !== "adam") return undefined;
  return {
    param,
    m,
    v,
    lr: step.learningRate,
    beta1: s.beta1,
    beta2: s.beta2,
    eps: s.epsilon,
    weightDecay: decays ? s.weightDecay : 0,
    correction1: step.correction1,
    correction2: step.correction2,
  };
}

/** Adam's bias corrections 1 - beta^t at optimizer step `step` (unused by sgd and momentum). */
export function adamCorrections(settings: OptimizerSettings, step: number): [number, number] {
  return [1 - Math.pow(settings.beta1, step), 1 - Math.pow(settings.beta2, step)];
}
