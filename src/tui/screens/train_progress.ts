/**
 * What the Train screen knows of a training run, and how each training event changes it: a
 * pure reducer (`applyTrainEvent`), with the smoothed loss curve the chart draws. No I/O, no
 * rendering (train_view.ts draws it).
 *
 * @module
 */
import type { TrainPanel } from "../../network/weight_tiles.ts";
import type { TrainEvent } from "../../train/trainer.ts";
import { type LossPoint, type LossSmoothing, smoothBatchLoss } from "../../train/run_record.ts";

/** One epoch's progress as shown: running, or done with its test results. */
export interface EpochProgress {
  epoch: number;
  epochs: number;
  step: number;
  steps: number;
  /** Steps already done when this run reached the epoch (resuming mid-epoch). */
  firstStep: number;
  elapsedMs: number;
  loss: number;
  accuracy: number;
  test?: { accuracy: number; loss: number; seconds: number };
}

/** Everything the training view shows. */
export interface TrainProgress {
  /** What is trained on what ("Resuming ...", "Training 784-256-10 ..."). */
  notes: string[];
  epochs: EpochProgress[];
  /**
   * The smoothed training loss, a point every LOSS_POINT_EVERY batches at its place in epochs
   * (the chart is alive from the first seconds); a resumed run's earlier points first.
   */
  lossPoints: LossPoint[];
  /** The test accuracy after each finished epoch, earlier runs' included. */
  accuracyPoints: { epoch: number; accuracy: number }[];
  /** The smoothing between batches (run_record.ts smoothBatchLoss). */
  smoothing?: LossSmoothing;
  /** The latest look at the weights and gradients (every PANEL_EVERY batches). */
  panel?: TrainPanel;
}

/** Progress before the first event: nothing known yet. */
export const NO_PROGRESS: TrainProgress = {
  notes: [],
  epochs: [],
  lossPoints: [],
  accuracyPoints: [],
};

/**
 * Applies a training event to the progress (returns a new object; the input is not changed).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { applyTrainEvent } from "./train_progress.ts";
 *
 * const empty = { notes: [], epochs: [], lossPoints: [], accuracyPoints: [] };
 * const started = applyTrainEvent(empty, {
 *   type: "epoch-start", epoch: 1, epochs: 3, steps: 94, firstStep: 0,
 * });
 * assert.equal(started.epochs[0].steps, 94);
 * assert.equal(empty.epochs.length, 0);
 * ```
 */
export function applyTrainEvent(progress: TrainProgress, event: TrainEvent): TrainProgress {
  const epochs = progress.epochs.slice();
  const last = epochs[epochs.length - 1];
  if (event.type === "epoch-start") {
    epochs.push({
      epoch: event.epoch,
      epochs: event.epochs,
      step: event.firstStep,
      steps: event.steps,
      firstStep: event.firstStep,
      elapsedMs: 0,
      loss: NaN,
      accuracy: NaN,
    });
    return { ...progress, epochs };
  }
  if (!last || last.epoch !== event.epoch) return progress;
  if (event.type === "batch") {
    epochs[epochs.length - 1] = {
      ...last,
      step: event.step,
      elapsedMs: event.elapsedMs,
      loss: event.loss,
      accuracy: event.accuracy,
    };
    const { smoothing, point } = smoothBatchLoss(progress.smoothing, event);
    return {
      ...progress,
      epochs,
      smoothing,
      lossPoints: point ? [...progress.lossPoints, point] : progress.lossPoints,
    };
  }
  epochs[epochs.length - 1] = {
    ...last,
    step: last.steps,
    elapsedMs: event.seconds * 1000,
    loss: event.loss,
    accuracy: event.trainAccuracy,
    test: { accuracy: event.testAccuracy, loss: event.testLoss, seconds: event.seconds },
  };
  return {
    ...progress,
    epochs,
    accuracyPoints: [...progress.accuracyPoints, {
      epoch: event.epoch,
      accuracy: event.testAccuracy,
    }],
  };
}
