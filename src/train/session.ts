/**
 * A training session: what `train` (the command) and the menu's Train screen both do. Decide
 * whether to resume the model file or start a new network, build the plan from the request and
 * the saved plan, then train while saving after every epoch and when stopped. No printing: the
 * session returns human notes and reports training events for a renderer to show.
 */
import type { MnistData } from "../data/dataset.ts";
import { UserError } from "../errors.ts";
import {
  loadNetworkModel,
  type NetworkModel,
  type NetworkModelInfo,
  saveNetworkModel,
  withNotADigitOutput,
} from "./checkpoint.ts";
import type { NamedTensor } from "../model/mod.ts";
import {
  defaultOptimizerSettings,
  hasNotADigitOutput,
  Network,
  type OptimizerSettings,
} from "../network/mod.ts";
import { selectKernels } from "../network/select_kernels.ts";
import { startSecondThread, ThreadFailure } from "../network/half_batch_thread.ts";
import { threadsFor } from "./threads.ts";
import { AUGMENT_LEVELS, IDENTITY_AUGMENT } from "../augment/mod.ts";
import { negativesPerBatch, openAugmentPipeline } from "../batches/mod.ts";
import { joinDigits, makeFontDigits, makeNegatives, type NegativeKind } from "../negatives/mod.ts";
import { deriveSeed } from "../network/random.ts";
import { calibrateModel } from "./refusal.ts";
import { plural } from "../text/format.ts";
import { architectureOf, describeArchitecture, sameLayers } from "./architecture.ts";
import { RUN_OPTIONS, TRAIN_OPTIONS, type TrainValues } from "./options.ts";
import { resolveTrainValues } from "./train_values.ts";
import { readRunRecord, type RunRecord, RunRecorder, runRecordPath } from "./run_record.ts";
import {
  type TrainEvent,
  type TrainingPlan,
  type TrainingPosition,
  trainNetwork,
} from "./trainer.ts";

/**
 * What the user asked for: the training values given (see TRAIN_OPTIONS in `options.ts`;
 * undefined means "not given": the saved model's value when resuming, else the default) and
 * what to do with the model file.
 */
export interface TrainRequest extends Partial<TrainValues> {
  /** The model file to resume from and save to. */
  modelPath: string;
  /** Start a new network even when the model file exists. */
  fresh?: boolean;
  /** Save weights only (no optimizer state): a third of the size, but resuming restarts Adam. */
  weightsOnly?: boolean;
  /**
   * Strict math: kernels without fused multiply-adds, so that the same command gives the same
   * bits on any machine (slower; `--strict-math`, or DIGITS_STRICT_MATH=1).
   */
  strictMath?: boolean;
  /** How the session was started, kept in the model's metadata (e.g. the command line). */
  command?: string;
  /** How to get past a refusal, in the caller's words (default: the menu's). */
  remedy?: string;
}

/** A prepared session: the network to train, its plan and where in the plan it stands. */
export interface TrainingSession {
  /** What was asked for. */
  request: TrainRequest;
  /** The network to train and its description (saved after every epoch). */
  model: NetworkModel;
  /** What this session trains: epochs, batch, optimizer, schedule, seed. */
  plan: TrainingPlan;
  /** The effective training values (given, saved or default), as a run record keeps them. */
  values: TrainValues;
  /** The run's record so far, when resuming a model that has one (see run_record.ts). */
  run?: RunRecord;
  /** Where in the plan it starts. */
  position: TrainingPosition;
  /** Whether an existing model file was loaded. */
  resumed: boolean;
  /** Lines for the user: what is resumed or started, optimizer switches. */
  notes: string[];
}

/** How a session ended. */
export type SessionOutcome =
  | {
    status: "completed";
    position: TrainingPosition;
    testAccuracy: number | null;
    /** With keepBest: the earlier evaluation whose weights were saved instead of the last. */
    restoredBest?: { epoch: number; step: number; testAccuracy: number };
  }
  | { status: "stopped"; position: TrainingPosition }
  | { status: "diverged"; position: TrainingPosition; message: string };

/** What the caller wants to hear and say during training. */
export interface SessionHooks {
  /** Called once before the first batch, with where augmented digits are made (if augmenting). */
  onStart?: (start: { augmentedOn?: "worker" | "main"; threads?: number }) => void;
  /** Every training event, for a renderer. */
  onEvent?: (event: TrainEvent) => void | Promise<void>;
  /** Polled after every batch: true stops training (then the model is saved where it stands). */
  shouldStop: () => boolean;
}

// Values that change the plan: giving any of them starts a new plan instead of finishing the old.
const PLAN_KEYS = TRAIN_OPTIONS.filter((spec) =>
  !spec.architecture && !RUN_OPTIONS.includes(spec.name)
).map((spec) => spec.name);

// The network's buffers hold at least this many samples (evaluation runs in such chunks).
const MIN_BUFFER_BATCH = 256;

/**
 * Loads the model file unless `fresh` (or it does not exist) and works out the plan:
 * an unfinished plan with no new plan values is continued where it stopped (same batches,
 * same optimizer state); otherwise `epochs` more epochs are planned from the epochs done.
 * Architecture values that contradict the saved model are refused.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { prepareTrainingSession, runTrainingSession } from "./session.ts";
 * import { syntheticMnist } from "./test_data.ts";
 * const data = syntheticMnist(64, 32); // made-up digits: trains in milliseconds
 * const modelPath = `${await Deno.makeTempDir()}/m.safetensors`;
 * const session = await prepareTrainingSession({ modelPath, hidden: [8], epochs: 1 }, data);
 * assert.equal(session.plan.optimizer.learningRate, 0.003); // adam's default
 * const outcome = await runTrainingSession(session, data, { shouldStop: () => false });
 * assert.equal(outcome.status, "completed");
 * const again = await prepareTrainingSession({ modelPath, optimizer: "sgd" }, data);
 * assert.equal(again.plan.optimizer.learningRate, 0.1); // a switch: sgd's default
 * ```
 */
export async function prepareTrainingSession(
  request: TrainRequest,
  data: MnistData,
): Promise<TrainingSession> {
  const strict = { strictMath: request.strictMath };
  const kernels = selectKernels("auto", strict);
  const trainCount = data.train.count;
  const path = request.modelPath;
  const notes: string[] = [];
  if (!request.fresh && await isFile(path)) {
    let maxBatch = Math.max(MIN_BUFFER_BATCH, request.batch ?? 0);
    let model = await loadNetworkModel(path, { maxBatch, kernels, halves: true });
    refuseContradictions(request, model.info);
    // `--negative-target class` on a ten-output file: the not-a-digit output is added to it.
    const addNotADigitOutput = request.negativeTarget === "class" &&
      !hasNotADigitOutput(model.info.layerSizes.at(-1) ?? 0);
    if (addNotADigitOutput) {
      notes.push(
        `Adding a "not a digit" output to ${path}: an 11th output, its weights from zero, ` +
          `taught with the not-a-digit images`,
      );
    }
    // The file as it will be trained: with the output added, only its output layer differs.
    const saved = addNotADigitOutput
      ? withNotADigitOutput(model.info, new Map<string, NamedTensor>()).info
      : model.info;
    const savedPlan = saved.plan;
    const planValueGiven = PLAN_KEYS.some((key) => request[key] !== undefined);
    const unfinished = savedPlan !== null &&
      saved.position.epochsDone < savedPlan.startEpoch + savedPlan.epochs;
    const values = resolveTrainValues(request, saved);
    const rows = Math.max(rowsOf(planOf(values, 0, trainCount)), savedPlan ? rowsOf(savedPlan) : 0);
    if (addNotADigitOutput || rows > maxBatch) {
      // Loaded again, once: with the not-a-digit output added to its weights, and with room
      // for the saved plan's batch (kept when not given) when it is larger than the buffers
      // (the kernels' memory is set up once per network, hence new kernels).
      maxBatch = Math.max(maxBatch, rows);
      model = await loadNetworkModel(path, {
        maxBatch,
        kernels: selectKernels("auto", strict),
        halves: true,
        addNotADigitOutput,
      });
    }
    if (unfinished && !planValueGiven) {
      const plan = { ...savedPlan, limit: Math.min(savedPlan.limit, trainCount) };
      notes.push(
        `Resuming ${path}: epoch ${saved.position.epochsDone + 1} of ${
          plan.startEpoch + plan.epochs
        }` + (saved.position.stepInEpoch > 0 ? `, batch ${saved.position.stepInEpoch + 1}` : ""),
      );
      const run = await readRunRecord(runRecordPath(path));
      return { request, model, plan, values, run, position: saved.position, resumed: true, notes };
    }
    let optimizer: OptimizerSettings = saved.optimizer;
    if (values.optimizer !== saved.optimizer.kind) {
      optimizer = defaultOptimizerSettings(values.optimizer);
      model.network.resetOptimizer();
      notes.push(
        `Switching optimizer ${saved.optimizer.kind} -> ${values.optimizer}: its state starts from zero`,
      );
    }
    optimizer = {
      ...optimizer,
      learningRate: values.lr,
      weightDecay: values.weightDecay,
      beta1: values.beta1,
      beta2: values.beta2,
    };
    const plan: TrainingPlan = {
      ...planOf(values, saved.position.epochsDone, trainCount),
      optimizer,
    };
    // A half-done epoch can only be continued with the same batches.
    const position = savedPlan && savedPlan.batchSize === plan.batchSize &&
        savedPlan.limit === plan.limit && savedPlan.seed === plan.seed &&
        (savedPlan.fontDigits ?? 0) === (plan.fontDigits ?? 0)
      ? saved.position
      : { epochsDone: saved.position.epochsDone, stepInEpoch: 0 };
    const accuracy = saved.testAccuracy !== null
      ? `, test accuracy ${(saved.testAccuracy * 100).toFixed(2)}%`
      : "";
    notes.push(
      `Resuming ${path} (${
        plural(saved.position.epochsDone, "epoch")
      } done${accuracy}); training ${plan.epochs} more (start fresh to begin again)`,
    );
    model.info = { ...saved, optimizer, plan };
    const run = await readRunRecord(runRecordPath(path));
    return { request, model, plan, values, run, position, resumed: true, notes };
  }
  refuseTwoArchitectures(request);
  const values = resolveTrainValues(request);
  const maxBatch = Math.max(MIN_BUFFER_BATCH, rowsOf(planOf(values, 0, trainCount)));
  // Batches are trained as two halves, whether one thread or two computes them (same bits).
  const network = new Network(architectureOf(values), {
    seed: values.seed,
    maxBatch,
    kernels,
    halves: true,
  });
  const optimizer = {
    ...defaultOptimizerSettings(values.optimizer),
    learningRate: values.lr,
    weightDecay: values.weightDecay,
    beta1: values.beta1,
    beta2: values.beta2,
  };
  const plan = { ...planOf(values, 0, trainCount), optimizer };
  const now = new Date().toISOString();
  const info: NetworkModelInfo = {
    layerSizes: [...network.layerSizes],
    activation: network.activation,
    inputShape: [...network.inputShape],
    layers: network.layers.map((layer) => ({ ...layer })),
    optimizer,
    optimizerStep: 0,
    optimizerState: true,
    plan,
    position: { epochsDone: 0, stepInEpoch: 0 },
    seed: values.seed,
    dataSource: data.source,
    testAccuracy: null,
    history: [],
    command: "",
    createdAt: now,
    updatedAt: now,
  };
  return {
    request,
    model: { network, info },
    plan,
    values,
    position: info.position,
    resumed: false,
    notes,
  };
}

/** One line saying what is about to be trained, on what. */
export function describeSession(
  session: TrainingSession,
  data: MnistData,
  augmentedOn?: "worker" | "main",
): string {
  const { plan } = session;
  const network = session.model.network;
  return `Training ${describeArchitecture(network)} (${
    network.parameterCount.toLocaleString("en-US")
  } parameters) with ${plan.optimizer.kind} lr ${plan.optimizer.learningRate}, batch ${plan.batchSize}, ${plan.schedule} schedule` +
    ` on ${data.description}: ${plan.limit.toLocaleString("en-US")} training digits, ${
      data.test.count.toLocaleString("en-US")
    } test digits` +
    (plan.augment
      ? `, augmented (${plan.augmentLevel ?? "full"}) on ${
        augmentedOn === "main" ? "the main" : "a worker"
      } thread`
      : "") +
    (plan.negatives
      ? `, with ${plan.negatives.ratio} not-a-digit images per digit (${
        plan.negatives.kinds.join(", ")
      }; weight ${plan.negatives.weight})`
      : "") +
    (plan.fontDigits
      ? `, ${plan.fontDigits.toLocaleString("en-US")} digits written in fonts beside them`
      : "") +
    (plan.holdout ? `, ${plan.holdout.toLocaleString("en-US")} digits held out to calibrate` : "") +
    // Known once training started (the second thread starts with it, before onStart).
    (network.threads > 1 ? `, on ${network.threads} threads` : "");
}

/**
 * Trains the session's network by its plan, saving the model file (atomically) after every
 * epoch and once more when stopped mid-epoch, so a following session resumes exactly there.
 * On divergence nothing more is saved: the file keeps the last good epoch.
 */
export async function runTrainingSession(
  session: TrainingSession,
  data: MnistData,
  hooks: SessionHooks,
): Promise<SessionOutcome> {
  const { model, plan, request } = session;
  const path = request.modelPath;
  model.info.command = commandHistory(session.resumed ? model.info.command : "", request.command);
  model.info.dataSource = data.source;
  model.info.optimizerState = !request.weightsOnly;
  // New weights void the old calibration: until this plan's held-out digits fit a new one, the
  // model reads as an uncalibrated one (temperature 1, today's rules).
  delete model.info.calibration;
  model.network.readout = { temperature: 1, refuseBelow: null };
  // The not-a-digit images batches draw from: made from the plan's seed and the digits it
  // trains on (digit mashups), so a resumed run draws from the same ones.
  const trainDigits = { ...data.train, count: plan.limit };
  const negatives = plan.negatives
    ? await makeNegatives(plan.negatives.count, {
      seed: plan.seed,
      kinds: plan.negatives.kinds as NegativeKind[],
      digits: trainDigits,
    })
    : undefined;
  // Digits written in fonts join the first `limit` training digits; the plan the trainer gets
  // counts them (the saved plan keeps MNIST's count, which a resumed run compares).
  const fontDigits = plan.fontDigits ? await makeFontDigits(plan.fontDigits, plan.seed) : undefined;
  const train = fontDigits ? joinDigits(data.train, plan.limit, fontDigits) : data.train;
  const trainPlan = fontDigits ? { ...plan, limit: plan.limit + fontDigits.count } : plan;
  const batches = plan.augment || negatives
    ? openAugmentPipeline(train, { ...trainPlan, negativeRatio: plan.negatives?.ratio }, {
      augment: plan.augment ? AUGMENT_LEVELS[plan.augmentLevel ?? "full"] : IDENTITY_AUGMENT,
      negatives,
    })
    : undefined;
  let second: { close(): void } | undefined;
  const recorder = new RunRecorder(
    path,
    { ...session.values },
    request.command,
    session.run,
    session.position,
  );
  try {
    const threads = threadsFor(request.threads ?? "auto", model.network, plan.batchSize);
    if (threads > 1) second = await startSecondThread(model.network).catch(threadFailed(path));
    // "auto" keeps measuring whether the second thread pays (a busy machine may make it not).
    const chooseThreads = (request.threads ?? "auto") === "auto";
    hooks.onStart?.({ augmentedOn: batches?.thread, threads: model.network.threads });
    const onEvent = async (event: TrainEvent) => {
      recorder.onEvent(event);
      await hooks.onEvent?.(event);
      if (event.type !== "epoch-end") return;
      const info = model.info;
      info.position = { epochsDone: event.epoch, stepInEpoch: 0 };
      info.testAccuracy = event.testAccuracy;
      info.history = [
        ...info.history.filter((record) => record.epoch < event.epoch),
        {
          epoch: event.epoch,
          loss: event.loss,
          trainAccuracy: event.trainAccuracy,
          testAccuracy: event.testAccuracy,
          seconds: event.seconds,
        },
      ];
      info.updatedAt = new Date().toISOString();
      await saveNetworkModel(path, model);
      await recorder.save();
    };
    const outcome = await trainNetwork(
      model.network,
      train,
      data.test,
      trainPlan,
      session.position,
      {
        onEvent,
        shouldStop: hooks.shouldStop,
        batches,
        chooseThreads,
        evalEvery: request.evalEvery,
        stopAt: request.stopAt === "off" ? undefined : request.stopAt,
        keepBest: request.keepBest,
      },
    ).catch(threadFailed(path));
    if (outcome.status === "diverged") {
      const kept = session.resumed || outcome.position.epochsDone > plan.startEpoch;
      if (kept) {
        recorder.end("diverged");
        await recorder.save();
      }
      return {
        status: "diverged",
        position: outcome.position,
        message:
          `training diverged at epoch ${outcome.epoch}, batch ${
            outcome.step + 1
          }: the loss exploded (not a finite number, or ten times worse than guessing); the learning rate ${plan.optimizer.learningRate} is probably too high. ` +
          (kept ? `The last good model in ${path} is kept.` : "No model was saved."),
      };
    }
    if (outcome.status === "stopped") {
      model.info.position = outcome.position;
      model.info.updatedAt = new Date().toISOString();
      await saveNetworkModel(path, model);
      recorder.end("stopped");
      await recorder.save();
      return { status: "stopped", position: outcome.position };
    }
    if (outcome.restoredBest) {
      // keepBest: the best evaluation's weights, back in the network, go to the file.
      model.info.testAccuracy = outcome.restoredBest.testAccuracy;
      model.info.updatedAt = new Date().toISOString();
    }
    if ((plan.holdout ?? 0) > 0) await calibrateHeldOut(model, plan, data);
    if (outcome.restoredBest || (plan.holdout ?? 0) > 0) await saveNetworkModel(path, model);
    recorder.end("completed");
    await recorder.save();
    return {
      status: "completed",
      position: outcome.position,
      testAccuracy: model.info.testAccuracy,
      ...(outcome.restoredBest && { restoredBest: outcome.restoredBest }),
    };
  } finally {
    batches?.close(); // ends the worker however training ends, so the process can exit
    second?.close();
  }
}

/**
 * Calibrates the model at `path` again without training: the temperature and, when it trained
 * with not-a-digit images, the refusal threshold, on the same held-out digits and not-a-digit
 * images its last training run calibrated on (`calibrateHeldOut`), with today's calibration
 * code; saves it (atomically) with `command` added to how it was made. For a model whose
 * calibration rule changed after it was trained (the threshold's quantile estimator did), or to
 * see it done. A model that held no digits out, or trained on other data than `data`, is refused
 * with one line: its held-out digits would be ones it trained on.
 */
export async function recalibrateModel(
  path: string,
  data: MnistData,
  command: string,
): Promise<NetworkModel> {
  const model = await loadNetworkModel(path, { maxBatch: 250 });
  const plan = model.info.plan;
  if (!plan || !((plan.holdout ?? 0) > 0)) {
    throw new UserError(
      `${path} held no digits out of its training, and calibrating needs digits it never ` +
        `trained on: train it with --holdout N`,
    );
  }
  if (model.info.dataSource !== data.source || plan.limit > data.train.count - plan.holdout!) {
    throw new UserError(
      `${path} was trained on ${
        model.info.dataSource ?? "other data"
      }, not on ${data.description}: ` +
        `its held-out digits are not in this data`,
    );
  }
  await calibrateHeldOut(model, plan, data);
  model.info.command = commandHistory(model.info.command, command);
  model.info.updatedAt = new Date().toISOString();
  // A weights-only file loads with its optimizer restarted (step 0); the file keeps its count.
  model.network.optimizerStep = model.info.optimizerStep;
  await saveNetworkModel(path, model);
  return model;
}

/**
 * Fits the temperature on the plan's held-out digits (the last `holdout` of the training set)
 * and, when it trained with negatives, chooses the refusal threshold on them and on
 * not-a-digit images made apart from the training ones (another seed; mashups of held-out
 * digits). Recorded in the model's info; the network's readout follows.
 */
async function calibrateHeldOut(
  model: NetworkModel,
  plan: TrainingPlan,
  data: MnistData,
): Promise<void> {
  const holdout = plan.holdout ?? 0;
  const first = data.train.count - holdout;
  const heldOut = {
    pixels: data.train.pixels.subarray(first * 784, data.train.count * 784),
    labels: data.train.labels.subarray(first, data.train.count),
    count: holdout,
  };
  const negatives = plan.negatives
    ? await makeNegatives(Math.min(HELD_OUT_NEGATIVES, Math.max(100, holdout)), {
      seed: deriveSeed(plan.seed, HELD_OUT_NEGATIVES),
      kinds: plan.negatives.kinds as NegativeKind[],
      digits: heldOut,
    })
    : undefined;
  model.info.calibration = calibrateModel(model.network, heldOut, negatives);
}

/**
 * A rethrower for a training thread's failure: one line saying so (the batch in progress is
 * lost; the file keeps the last epoch saved); other errors pass unchanged.
 */
function threadFailed(path: string): (error: unknown) => never {
  return (error) => {
    if (!(error instanceof ThreadFailure)) throw error;
    throw new UserError(
      `training stopped: ${error.message}. The last good model in ${path} is kept; ` +
        `train again to resume (--threads 1 trains on one thread)`,
    );
  };
}

function refuseContradictions(request: TrainRequest, saved: NetworkModelInfo): void {
  refuseTwoArchitectures(request);
  // What a not-a-digit image is taught is built into the output layer: a ten-output network
  // can be given the not-a-digit output (class), but one that has it keeps it.
  const hasClass = hasNotADigitOutput(saved.layerSizes.at(-1) ?? 0);
  if (request.negativeTarget === "uniform" && hasClass) {
    throw new UserError(
      `${request.modelPath} has a not-a-digit output; ` +
        `--negative-target uniform needs a new model (start fresh, or leave it out)`,
    );
  }
  if (request.negativeTarget === "class" && !hasClass) {
    const negatives = request.negatives ?? saved.plan?.negatives?.kinds ?? [];
    if (negatives.length === 0) {
      throw new UserError(
        `--negative-target class adds a not-a-digit output to ${request.modelPath}: ` +
          `give the not-a-digit images to teach it (--negatives)`,
      );
    }
  }
  if (![request.hidden, request.activation, request.layers].some((v) => v !== undefined)) return;
  // Hidden widths given alone ask for a dense network, whatever layer list the file has.
  const layers = request.layers ?? (request.hidden !== undefined ? "" : undefined);
  const asked = architectureOf(resolveTrainValues({ ...request, layers }, saved));
  if (sameLayers(asked.layers, saved.layers)) return;
  const remedy = request.remedy ??
    "(start fresh to make a new model there, or choose another model file)";
  const have = describeArchitecture({ inputShape: saved.inputShape, layers: saved.layers });
  throw new UserError(
    `${request.modelPath} is ${have}; ${describeArchitecture(asked)} contradicts it ${remedy}`,
  );
}

/** `--hidden` and `--layers` both describe the whole network: only one may be given. */
function refuseTwoArchitectures(request: TrainRequest): void {
  if (request.hidden !== undefined && request.layers !== undefined && request.layers !== "") {
    throw new UserError(
      `hidden layers and a layer list both describe the network: give --hidden (a dense network) or --layers, not both`,
    );
  }
}

/** The plan of `values`, from `startEpoch`, without its optimizer (the caller's to settle). */
function planOf(
  values: TrainValues,
  startEpoch: number,
  trainCount: number,
): Omit<TrainingPlan, "optimizer"> {
  const holdout = holdoutOf(values, trainCount);
  const trainable = trainCount - holdout;
  const plan: Omit<TrainingPlan, "optimizer"> = {
    startEpoch,
    epochs: values.epochs,
    batchSize: values.batch,
    schedule: values.schedule,
    warmupEpochs: values.warmup,
    seed: values.seed,
    limit: values.limit === "all" ? trainable : Math.min(values.limit, trainable),
    augment: values.augment,
    augmentLevel: values.augmentLevel,
    cycleStart: values.cycleStart,
    cycleEnd: values.cycleEnd,
  };
  if (values.negatives.length > 0) {
    plan.negatives = {
      kinds: values.negatives,
      ratio: values.negativeRatio,
      weight: values.negativeWeight,
      // An epoch's worth at most: more would only cost time to make.
      count: Math.min(NEGATIVE_POOL, Math.max(100, Math.ceil(plan.limit * values.negativeRatio))),
    };
  }
  if (holdout > 0) plan.holdout = holdout;
  if (values.fontDigits > 0) plan.fontDigits = values.fontDigits;
  return plan;
}

/**
 * Not-a-digit images made once per run for the batches to draw from (each drawn many times,
 * distorted differently each time). Making them takes a minute or two (the normalizer's time).
 */
const NEGATIVE_POOL = 12_000;
/** Not-a-digit images made apart (another seed) for choosing the refusal threshold (at most). */
const HELD_OUT_NEGATIVES = 2_000;
/** Training digits held out by `--holdout auto` when training with negatives. */
const AUTO_HOLDOUT = 5_000;

/** Training digits held out: at most half of the training set. */
function holdoutOf(values: TrainValues, trainCount: number): number {
  const asked = values.holdout === "auto"
    ? (values.negatives.length > 0 ? AUTO_HOLDOUT : 0)
    : values.holdout;
  return Math.min(asked, Math.floor(trainCount / 2));
}

/** Rows of a plan's batches: its digits and its not-a-digit images. */
function rowsOf(plan: Pick<TrainingPlan, "batchSize" | "negatives">): number {
  return plan.batchSize + negativesPerBatch(plan.batchSize, plan.negatives?.ratio);
}

/**
 * How the model was made, every command in order: a resumed model keeps the commands that made
 * it and adds this one (unless it repeats the last, as resuming an interrupted run does), so
 * `info` shows the whole recipe of a model trained in steps.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { commandHistory } from "./session.ts";
 * const first = "train --layers cnn --augment --epochs 30";
 * assert.equal(commandHistory("", first), first);
 * assert.equal(commandHistory(first, first), first); // resuming an interrupted run
 * assert.equal(
 *   commandHistory(first, "train --no-augment --epochs 1"),
 *   `${first} && train --no-augment --epochs 1`,
 * );
 * ```
 */
export function commandHistory(saved: string, command: string | undefined): string {
  if (!command) return saved;
  if (!saved) return command;
  const commands = saved.split(" && ");
  return commands[commands.length - 1] === command ? saved : `${saved} && ${command}`;
}

/** True when a model file is there; a folder in its place is refused before any training. */
async function isFile(path: string): Promise<boolean> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw new UserError(`${path}: cannot read (${(error as Error).message})`);
  }
  if (info.isDirectory) throw new UserError(`${path} is a folder, not a model file`);
  return info.isFile;
}
