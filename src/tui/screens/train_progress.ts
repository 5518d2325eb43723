/**
 * What the Train screen knows of a training run, and how each training event changes it: a
 * pure reducer (`applyTrainEvent`), with the smoothed loss curve the chart draws. No I/O, no
 * rendering (train_view.ts draws it).
 *
 * @module
 */
import type { TrainPanel } from "../../network/inspect.ts";
import type { TrainEvent } from "../../train/trainer.ts";

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
  /** Per finished epoch (including those of earlier runs of a resumed model). */
  lossHistory: number[];
  testAccuracyHistory: number[];
  /**
   * This run's training loss, smoothed, one point every LOSS_POINT_EVERY batches (the chart is
   * alive from the first seconds), and the test accuracy known at each point (NaN before the
   * first epoch ends).
   */
  lossCurve?: number[];
  accuracyCurve?: number[];
  /** The smoothing's state: the last batch's running mean and count, the moving average. */
  smoothing?: { mean: number; batches: number; average: number; sinceLast: number };
  /** The latest look at the weights and gradients (every PANEL_EVERY batches). */
  panel?: TrainPanel;
}

/** Batches between two points of the smoothed loss curve. */
export const LOSS_POINT_EVERY = 25;

/** Progress before the first event: nothing known yet. */
export const NO_PROGRESS: TrainProgress = {
  notes: [],
  epochs: [],
  lossHistory: [],
  testAccuracyHistory: [],
};

/**
 * Applies a training event to the progress (returns a new object; the input is not changed).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { applyTrainEvent } from "./train_progress.ts";
 *
 * const empty = { notes: [], epochs: [], lossHistory: [], testAccuracyHistory: [] };
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
    return {
      ...progress,
      epochs,
      ...smoothLoss(progress, event.loss, event.step - last.firstStep),
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
  // From now on the curve's accuracy series holds this epoch's test accuracy.
  const accuracyCurve = progress.accuracyCurve?.slice();
  if (accuracyCurve && accuracyCurve.length > 0) {
    accuracyCurve[accuracyCurve.length - 1] = event.testAccuracy;
  }
  return {
    ...progress,
    epochs,
    lossHistory: [...progress.lossHistory, event.loss],
    testAccuracyHistory: [...progress.testAccuracyHistory, event.testAccuracy],
    accuracyCurve,
  };
}

// Weight of a new batch in the moving average: about the last 20 batches count.
const SMOOTHING = 0.05;

/**
 * The smoothed loss after one more batch. A batch event carries the epoch's running mean over
 * `batches` batches; the batch's own loss is the change of that sum (the last batch of an
 * epoch may be smaller: a small error in one point). A moving average of those gives a curve
 * that follows training without the running mean's lag.
 */
function smoothLoss(
  progress: TrainProgress,
  mean: number,
  batches: number,
): Pick<TrainProgress, "lossCurve" | "accuracyCurve" | "smoothing"> {
  const before = progress.smoothing;
  const sameEpoch = before !== undefined && batches > before.batches;
  const batchLoss = sameEpoch
    ? (mean * batches - before.mean * before.batches) / (batches - before.batches)
    : mean;
  const average = before === undefined || !Number.isFinite(before.average)
    ? batchLoss
    : before.average + SMOOTHING * (batchLoss - before.average);
  const sinceLast = (before?.sinceLast ?? LOSS_POINT_EVERY - 1) + 1;
  let lossCurve = progress.lossCurve ?? [];
  let accuracyCurve = progress.accuracyCurve ?? [];
  let next = sinceLast;
  if (sinceLast >= LOSS_POINT_EVERY) {
    const earlier = progress.testAccuracyHistory;
    const lastAccuracy = accuracyCurve.length > 0
      ? accuracyCurve[accuracyCurve.length - 1]
      : earlier.length > 0
      ? earlier[earlier.length - 1]
      : NaN;
    lossCurve = [...lossCurve, average];
    accuracyCurve = [...accuracyCurve, lastAccuracy];
    next = 0;
  }
  return { lossCurve, accuracyCurve, smoothing: { mean, batches, average, sinceLast: next } };
}
