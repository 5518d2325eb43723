import type { Dataset } from "../data/dataset.ts";
import { setImmediate } from "node:timers";
import {
  learningRateAt,
  type Network,
  ONECYCLE_END_FACTOR,
  ONECYCLE_START_FACTOR,
  type OptimizerSettings,
  type RowFiller,
  type ScheduleKind,
  type ScheduleSettings,
} from "../network/mod.ts";
import {
  type BatchSource,
  copyBatchPixels,
  epochOrder,
  fillBatch,
  negativesPerBatch,
} from "../batches/mod.ts";
import { evaluateNetwork } from "./evaluate.ts";
import { type ProbeSettings, ThreadProbe } from "./threads.ts";

/**
 * The longest stretch of training without a full turn of the event loop (a timer's), in ms:
 * how late a key press or a signal (Ctrl-C, SIGTERM) may be noticed.
 */
const FULL_TURN_MS = 100;

/**
 * A training plan: what one `train` invocation set out to do. It is saved in the model file so
 * that an interrupted run resumes with the same schedule, shuffles and optimizer state.
 */
export interface TrainingPlan {
  /** Epochs the model had completed when the plan began. */
  startEpoch: number;
  /** Epochs in the plan. */
  epochs: number;
  /** Digits per weight update. */
  batchSize: number;
  /** The optimizer and its base learning rate and weight decay. */
  optimizer: OptimizerSettings;
  /** How the learning rate changes over the plan. */
  schedule: ScheduleKind;
  /** Linear warm-up length, in epochs (fractions allowed). */
  warmupEpochs: number;
  /** Seeds the per-epoch shuffles (and augmentation). */
  seed: number;
  /** Training samples used per epoch (the first `limit` of the training set). */
  limit: number;
  /** Whether training digits are randomly distorted (`--augment`); absent in older files. */
  augment?: boolean;
  /** How much (`--augment-level`): absent in older files, which all used "full". */
  augmentLevel?: "full" | "light";
  /** For the onecycle schedule: its first rate as a fraction of the peak (`lr`). */
  cycleStart?: number;
  /** For the onecycle schedule: its last rate as a fraction of the peak (`lr`). */
  cycleEnd?: number;
  /** Not-a-digit images mixed into every batch (`--negatives`); absent: none. */
  negatives?: NegativesPlan;
  /**
   * Training digits held out (the last ones of the training set, `--holdout`): never trained
   * on, they fit the temperature and the refusal threshold after training. Absent: 0.
   */
  holdout?: number;
  /**
   * Digits written in fonts (`--font-digits`, src/negatives/font_digits.ts) trained on beside
   * the first `limit` training digits, made from the plan's seed. Absent: none.
   */
  fontDigits?: number;
}

/** How not-a-digit images join the training batches (outlier exposure). */
export interface NegativesPlan {
  /** The kinds made (src/negatives), e.g. ["icons", "letters"]. */
  kinds: string[];
  /** Images per digit in a batch. */
  ratio: number;
  /** Their loss's weight lambda relative to a digit's. */
  weight: number;
  /** Images made from the plan's seed to draw batches from. */
  count: number;
}

/** How far training has come: completed epochs plus batches done in the current one. */
export interface TrainingPosition {
  /** Epochs completed. */
  epochsDone: number;
  /** Batches done in the epoch after them (0 at an epoch's start). */
  stepInEpoch: number;
}

/** What the training loop reports; the renderers (TUI, plain lines, JSON) show these. */
export type TrainEvent =
  | { type: "epoch-start"; epoch: number; epochs: number; steps: number; firstStep: number }
  | {
    type: "batch";
    epoch: number;
    epochs: number;
    step: number;
    steps: number;
    /** Running mean loss and accuracy over this epoch's batches so far. */
    loss: number;
    accuracy: number;
    learningRate: number;
    elapsedMs: number;
    /** Set when the test set was evaluated after this batch (`evalEvery`). */
    testAccuracy?: number;
    testLoss?: number;
    /** Seconds of training in this epoch so far, evaluations left out (with testAccuracy). */
    seconds?: number;
  }
  | {
    type: "epoch-end";
    epoch: number;
    epochs: number;
    loss: number;
    trainAccuracy: number;
    testAccuracy: number;
    testLoss: number;
    /** Seconds of training: batches only, evaluations left out. */
    seconds: number;
    samplesPerSecond: number;
    /** Set when `stopAt` ended the epoch early: the batches it trained. */
    stoppedAtStep?: number;
  };

/** How a call to `trainNetwork` ended. */
export type TrainOutcome =
  | {
    status: "completed";
    position: TrainingPosition;
    /** With `keepBest`, when a later evaluation was worse: the evaluation restored. */
    restoredBest?: BestEvaluation;
    /** Whether `stopAt` ended training. */
    reachedStopAt?: boolean;
  }
  | { status: "stopped"; position: TrainingPosition }
  | { status: "diverged"; position: TrainingPosition; epoch: number; step: number };

/** Hooks through which the loop talks to its caller. */
export interface TrainHooks {
  /** Called for each event; awaited, so the caller may save the model on "epoch-end". */
  onEvent?: (event: TrainEvent) => void | Promise<void>;
  /** Checked after every batch: return true to stop there (Ctrl-C, SIGTERM). */
  shouldStop?: () => boolean;
  /** Fills the training batches instead of the loop (augmentation). */
  batches?: BatchSource;
  /**
   * With a second thread attached: time the first batches of each epoch on two threads and on
   * one (`ThreadProbe`), and train the rest of the epoch on the faster (the same bits either
   * way). A busy machine gives a process its share of the cores, however many threads it has.
   */
  chooseThreads?: boolean;
  /** The probe's clock (tests give a fake one); default performance.now. */
  probeClock?: () => number;
  /** The probe's settings (default `PROBE`; tests shorten the warm-up). */
  probeSettings?: Readonly<ProbeSettings>;
  /** Also evaluate on the test set every this many batches (0 or absent: after epochs only). */
  evalEvery?: number;
  /** End training after the first evaluation whose test accuracy is at least this (0..1). */
  stopAt?: number;
  /**
   * Remember the weights of the best evaluation; if training ends worse, put them back (the
   * caller then saves them).
   */
  keepBest?: boolean;
}

/** Where the best evaluation of a run was, for `keepBest`. */
export interface BestEvaluation {
  /** The epoch it was made in, from 1. */
  epoch: number;
  /** Batches into the epoch (the epoch's batch count for an evaluation at its end). */
  step: number;
  /** Its accuracy on the test digits, 0..1. */
  testAccuracy: number;
}

/** The schedule settings a plan implies for a given number of batches per epoch. */
export function scheduleFor(plan: TrainingPlan, stepsPerEpoch: number): ScheduleSettings {
  return {
    kind: plan.schedule,
    warmupSteps: Math.round(plan.warmupEpochs * stepsPerEpoch),
    totalSteps: plan.epochs * stepsPerEpoch,
    stepEvery: stepsPerEpoch,
    stepFactor: 0.5,
    finalFactor: plan.schedule === "onecycle" ? plan.cycleEnd ?? ONECYCLE_END_FACTOR : 0.02,
    startFactor: plan.cycleStart ?? ONECYCLE_START_FACTOR,
  };
}

/** Batches into an epoch before its mean loss is judged (the first ones are noisy). */
const DIVERGENCE_BATCHES = 20;

/**
 * Trains `network` on `train` following `plan` from `position` until the plan's last epoch,
 * evaluating on `test` after every epoch. Yields to the event loop every ~30 ms so a UI can
 * redraw and signals can arrive. Stops after the current batch when `shouldStop` says so, and
 * on divergence: a batch whose loss is not finite, or an epoch whose mean loss after 20
 * batches is ten times that of uniform guessing (10 ln 10 = 23 for digits), leaving the
 * decision to save to the caller.
 */
export async function trainNetwork(
  network: Network,
  train: Dataset,
  test: Dataset,
  plan: TrainingPlan,
  position: TrainingPosition,
  hooks: TrainHooks = {},
): Promise<TrainOutcome> {
  const negativeRatio = plan.negatives?.ratio ?? 0;
  const batchRows = plan.batchSize + negativesPerBatch(plan.batchSize, negativeRatio);
  if (batchRows > network.maxBatch) {
    throw new RangeError(`batch ${batchRows} exceeds the network's ${network.maxBatch}`);
  }
  const limit = Math.min(plan.limit, train.count);
  if (negativeRatio > 0 && !hooks.batches) {
    throw new Error("training with not-a-digit images needs a batch source that makes them");
  }
  const steps = Math.ceil(limit / plan.batchSize);
  const classes = network.layerSizes[network.layerSizes.length - 1];
  const divergedLoss = 10 * Math.log(classes); // uniform guessing scores ln(classes)
  const schedule = scheduleFor(plan, steps);
  const lastEpoch = plan.startEpoch + plan.epochs;
  const order = new Uint32Array(limit);
  const labels = new Uint8Array(batchRows);
  network.negativeWeight = plan.negatives?.weight ?? 1;
  let { epochsDone, stepInEpoch } = position;
  let lastYield = performance.now(), lastFullTurn = lastYield;
  // The network asks for a batch's rows half by half (each half where a thread computes it),
  // and for the next batch's while its threads update.
  const rowsFrom = (batchStart: number): RowFiller => (first, count, pixels, rowLabels) =>
    copyBatchPixels(train, order, batchStart + first, count, pixels, rowLabels);
  const evalEvery = hooks.evalEvery ?? 0;
  const stopAt = hooks.stopAt ?? Infinity;
  let best: { evaluation: BestEvaluation; weights: WeightsCopy } | undefined;
  let lastAccuracy = -1;
  /** Notes an evaluation for keepBest; true when it reaches stopAt. */
  const judge = (epoch: number, step: number, accuracy: number): boolean => {
    lastAccuracy = accuracy;
    if (hooks.keepBest && (!best || accuracy > best.evaluation.testAccuracy)) {
      best = {
        evaluation: { epoch, step, testAccuracy: accuracy },
        weights: copyWeights(network, best?.weights),
      };
    }
    return accuracy >= stopAt;
  };
  let reachedStopAt = false;

  while (epochsDone < lastEpoch) {
    const epoch = epochsDone + 1;
    // The shuffle depends only on seed and epoch, so a resumed epoch replays the same order.
    if (!hooks.batches) epochOrder(order, plan.seed, epoch);
    await hooks.onEvent?.({
      type: "epoch-start",
      epoch,
      epochs: lastEpoch,
      steps,
      firstStep: stepInEpoch,
    });
    const startMs = performance.now();
    const firstStep = stepInEpoch;
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    let rowsSeen = 0;
    const halves = network.halves;
    const probe = (hooks.chooseThreads ?? false) && halves?.secondThreadAttached === true
      ? new ThreadProbe(hooks.probeClock, hooks.probeSettings)
      : undefined;
    // Evaluations inside the epoch: their time is not training time.
    let evaluatingMs = 0;
    let stoppedAtStep: number | undefined;
    let evaluation: ReturnType<typeof evaluateNetwork> | undefined;
    let nextFill: RowFiller | undefined;
    for (let step = stepInEpoch; step < steps; step++) {
      const start = step * plan.batchSize;
      const count = Math.min(plan.batchSize, limit - start);
      if (halves && probe) halves.secondThreadPaused = probe.threads() === 1;
      probe?.begin();
      if (hooks.batches) await hooks.batches.fill(epoch, step, count, network.input, labels);
      const planStep = (epoch - 1 - plan.startEpoch) * steps + step;
      const learningRate = learningRateAt(plan.optimizer.learningRate, schedule, planStep);
      // The batch's digits, then its not-a-digit images (none without negatives).
      const rows = count + negativesPerBatch(count, negativeRatio);
      const fill = hooks.batches ? undefined : nextFill ?? rowsFrom(start);
      const nextStart = start + plan.batchSize;
      nextFill = fill && step + 1 < steps ? rowsFrom(nextStart) : undefined;
      const next = nextFill &&
        { batch: Math.min(plan.batchSize, limit - nextStart), fill: nextFill };
      let result;
      if (halves) {
        result = halves.trainBatch(labels, rows, plan.optimizer, learningRate, fill, next);
      } else {
        if (fill) fillBatch(train, order, start, rows, network.input, labels);
        result = network.trainBatch(labels, rows, plan.optimizer, learningRate);
      }
      probe?.end();
      if (!Number.isFinite(result.loss)) {
        return { status: "diverged", position: { epochsDone, stepInEpoch: step }, epoch, step };
      }
      // Loss per row (digits and negatives alike), accuracy over the digits.
      lossSum += result.loss * rows;
      correct += result.correct;
      seen += count;
      rowsSeen += rows;
      // A runaway learning rate does not always reach Infinity: ReLU units die and the loss
      // settles in the hundreds. Worse than guessing by a factor of ten over many batches is
      // not learning; stop before saving such a network over a good one.
      if (step - firstStep >= DIVERGENCE_BATCHES && lossSum / rowsSeen > divergedLoss) {
        return { status: "diverged", position: { epochsDone, stepInEpoch: step }, epoch, step };
      }
      stepInEpoch = step + 1;
      // Every evalEvery batches (the epoch's last is evaluated below): the test set, untimed.
      evaluation = undefined;
      if (evalEvery > 0 && stepInEpoch % evalEvery === 0 && stepInEpoch < steps) {
        const evaluationStartMs = performance.now();
        evaluation = evaluateNetwork(network, test);
        evaluatingMs += performance.now() - evaluationStartMs;
        if (judge(epoch, stepInEpoch, evaluation.accuracy)) stoppedAtStep = stepInEpoch;
      }
      await hooks.onEvent?.({
        type: "batch",
        epoch,
        epochs: lastEpoch,
        step: step + 1,
        steps,
        loss: lossSum / rowsSeen,
        accuracy: correct / seen,
        learningRate,
        elapsedMs: performance.now() - startMs,
        ...(evaluation && {
          testAccuracy: evaluation.accuracy,
          testLoss: evaluation.loss,
          seconds: (performance.now() - startMs - evaluatingMs) / 1000,
        }),
      });
      if (stoppedAtStep !== undefined) break;
      if (hooks.shouldStop?.() && stepInEpoch < steps) {
        return { status: "stopped", position: { epochsDone, stepInEpoch } };
      }
      // Every 30 ms the event loop runs (keys, drawing, output). setImmediate takes
      // microseconds where setTimeout(0) takes the 1-2 ms a timer needs to come round (both
      // training threads idle meanwhile: 4-7% of an epoch), but it does not poll for signals
      // and key presses: measured, a SIGTERM waited 200-400 ms through setImmediate turns
      // against 23 ms through timers. So a timer's full turn at least every FULL_TURN_MS.
      const now = performance.now();
      if (now - lastYield > 30) {
        const full = now - lastFullTurn > FULL_TURN_MS;
        await new Promise((resolve) => full ? setTimeout(resolve, 0) : setImmediate(resolve));
        lastYield = performance.now();
        if (full) lastFullTurn = lastYield;
      }
    }
    const seconds = (performance.now() - startMs - evaluatingMs) / 1000;
    if (stoppedAtStep === undefined) {
      evaluation = evaluateNetwork(network, test);
      reachedStopAt = judge(epoch, steps, evaluation.accuracy);
    } else reachedStopAt = true;
    evaluation = evaluation!;
    epochsDone = epoch;
    stepInEpoch = 0;
    await hooks.onEvent?.({
      type: "epoch-end",
      epoch,
      epochs: lastEpoch,
      loss: rowsSeen > 0 ? lossSum / rowsSeen : 0,
      trainAccuracy: seen > 0 ? correct / seen : 0,
      testAccuracy: evaluation.accuracy,
      testLoss: evaluation.loss,
      seconds,
      samplesPerSecond: seconds > 0 ? seen / seconds : 0,
      ...(stoppedAtStep !== undefined && { stoppedAtStep }),
    });
    if (reachedStopAt) break;
    if (hooks.shouldStop?.() && epochsDone < lastEpoch) {
      return { status: "stopped", position: { epochsDone, stepInEpoch } };
    }
  }
  const end = { epochsDone, stepInEpoch };
  if (best && best.evaluation.testAccuracy > lastAccuracy) {
    restoreWeights(network, best.weights);
    return { status: "completed", position: end, restoredBest: best.evaluation, reachedStopAt };
  }
  return { status: "completed", position: end, reachedStopAt };
}

/** A network's weights, optimizer state and running statistics, copied (for keepBest). */
interface WeightsCopy {
  tensors: Float32Array[];
  optimizerStep: number;
}

/** Every tensor that makes the network what it is, copied into `into` when given. */
function copyWeights(network: Network, into?: WeightsCopy): WeightsCopy {
  const sources = weightTensors(network);
  const tensors = into?.tensors ?? sources.map((t) => new Float32Array(t.length));
  sources.forEach((t, i) => tensors[i].set(t));
  return { tensors, optimizerStep: network.optimizerStep };
}

function restoreWeights(network: Network, copy: WeightsCopy): void {
  weightTensors(network).forEach((t, i) => t.set(copy.tensors[i]));
  network.optimizerStep = copy.optimizerStep;
}

function weightTensors(network: Network): Float32Array[] {
  return [
    ...network.parameters.flatMap((p) => [p.value, p.moment1, p.moment2]),
    ...network.stateTensors.map((t) => t.value),
  ];
}
