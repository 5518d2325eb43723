/** `train`: train a network on MNIST, resuming from the model file unless `--fresh`. */
import { loadMnist } from "../../data/mod.ts";
import type { MnistData } from "../../data/dataset.ts";
import { UserError } from "../../errors.ts";
import { acquireModelLock } from "../../model/lock.ts";
import {
  loadNetworkModel,
  type NetworkModel,
  type NetworkModelInfo,
  saveNetworkModel,
} from "../../model/network_model.ts";
import {
  type Activation,
  defaultOptimizerSettings,
  Network,
  type OptimizerKind,
  type OptimizerSettings,
  type ScheduleKind,
} from "../../network/mod.ts";
import { selectKernels } from "../../network/select_kernels.ts";
import { type AugmentPipeline, openAugmentPipeline } from "../../augment/mod.ts";
import { DEFAULT_RECIPE } from "../../train/recipe.ts";
import {
  type TrainEvent,
  type TrainingPlan,
  type TrainingPosition,
  trainNetwork,
} from "../../train/mod.ts";
import { type CommandIo, count, percent } from "../io.ts";
import {
  jsonTrainRenderer,
  liveTrainRenderer,
  plainTrainRenderer,
  type TrainRenderer,
} from "../train_output.ts";
import { fileExists } from "../model_paths.ts";

/** The flags of `train` as parsed; undefined means "not given". */
export interface TrainFlags {
  model: string;
  hidden?: number[];
  activation?: Activation;
  epochs?: number;
  batch?: number;
  lr?: number;
  optimizer?: OptimizerKind;
  weightDecay?: number;
  schedule?: ScheduleKind;
  warmup?: number;
  seed?: number;
  limit?: number;
  /** Distort training digits on the fly; undefined keeps what the model's last plan did. */
  augment?: boolean;
  fresh?: boolean;
  weightsOnly?: boolean;
  dataDir?: string;
  sample?: boolean;
  json?: boolean;
}

/** Exit status when training was interrupted (as shells report SIGINT). */
export const EXIT_INTERRUPTED = 130;

/** Runs `train`; returns the exit status. */
export async function trainCommand(flags: TrainFlags, io: CommandIo): Promise<number> {
  const data = await loadMnist({ dataDir: flags.dataDir, sample: flags.sample });
  const lock = await acquireModelLock(flags.model);
  const stop = listenForStop();
  try {
    const session = await prepareSession(flags, data, io);
    return await runSession(session, flags, data, io, stop.requested);
  } finally {
    stop.dispose();
    await lock.release();
  }
}

interface Session {
  model: NetworkModel;
  plan: TrainingPlan;
  position: TrainingPosition;
  /** Whether a model file existed and was loaded. */
  resumed: boolean;
}

const PLAN_FLAGS = [
  "epochs",
  "batch",
  "lr",
  "optimizer",
  "weightDecay",
  "schedule",
  "warmup",
  "seed",
  "limit",
  "augment",
] as const;

async function prepareSession(flags: TrainFlags, data: MnistData, io: CommandIo): Promise<Session> {
  const kernels = selectKernels();
  const batchSize = flags.batch ?? DEFAULT_RECIPE.batchSize;
  const maxBatch = Math.max(256, batchSize);
  const trainCount = data.train.count;
  if (!flags.fresh && await fileExists(flags.model)) {
    const model = await loadNetworkModel(flags.model, { maxBatch, kernels });
    const saved = model.info;
    const savedHidden = saved.layerSizes.slice(1, -1);
    if (flags.hidden && flags.hidden.join() !== savedHidden.join()) {
      throw new UserError(
        `${flags.model} has hidden layers ${savedHidden.join(",") || "none"}; --hidden ${
          flags.hidden.join(",")
        } contradicts it (add --fresh to start a new model there, or choose another --model)`,
      );
    }
    if (flags.activation && flags.activation !== saved.activation) {
      throw new UserError(
        `${flags.model} uses ${saved.activation}; --activation ${flags.activation} contradicts it (add --fresh to start a new model there, or choose another --model)`,
      );
    }
    const planFlagGiven = PLAN_FLAGS.some((key) => flags[key] !== undefined);
    const savedPlan = saved.plan;
    const unfinished = savedPlan !== null &&
      saved.position.epochsDone < savedPlan.startEpoch + savedPlan.epochs;
    if (unfinished && !planFlagGiven && savedPlan.batchSize <= maxBatch) {
      const plan = { ...savedPlan, limit: Math.min(savedPlan.limit, trainCount) };
      say(
        io,
        flags,
        `Resuming ${flags.model}: epoch ${saved.position.epochsDone + 1} of ${
          plan.startEpoch + plan.epochs
        }` + (saved.position.stepInEpoch > 0 ? `, batch ${saved.position.stepInEpoch + 1}` : ""),
      );
      return { model, plan, position: saved.position, resumed: true };
    }
    let optimizer: OptimizerSettings = saved.optimizer;
    if (flags.optimizer && flags.optimizer !== saved.optimizer.kind) {
      optimizer = defaultOptimizerSettings(flags.optimizer);
      model.network.resetOptimizer();
      say(
        io,
        flags,
        `Switching optimizer ${saved.optimizer.kind} -> ${flags.optimizer}: its state starts from zero`,
      );
    }
    optimizer = {
      ...optimizer,
      learningRate: flags.lr ?? optimizer.learningRate,
      weightDecay: flags.weightDecay ?? optimizer.weightDecay,
    };
    const plan = newPlan(flags, optimizer, saved.position.epochsDone, trainCount, savedPlan);
    // A half-done epoch can only be continued with the same batches.
    const position = savedPlan && savedPlan.batchSize === plan.batchSize &&
        savedPlan.limit === plan.limit && savedPlan.seed === plan.seed
      ? saved.position
      : { epochsDone: saved.position.epochsDone, stepInEpoch: 0 };
    say(
      io,
      flags,
      `Resuming ${flags.model} (${saved.position.epochsDone} epochs done` +
        (saved.testAccuracy !== null ? `, test accuracy ${percent(saved.testAccuracy)}` : "") +
        `); training ${plan.epochs} more (use --fresh to start over)`,
    );
    model.info = { ...saved, optimizer, plan };
    return { model, plan, position, resumed: true };
  }
  const seed = flags.seed ?? DEFAULT_RECIPE.seed;
  const layerSizes = [784, ...(flags.hidden ?? DEFAULT_RECIPE.hidden), 10];
  const activation = flags.activation ?? DEFAULT_RECIPE.activation;
  const network = new Network({ layerSizes, activation }, { seed, maxBatch, kernels });
  const kind = flags.optimizer ?? DEFAULT_RECIPE.optimizer;
  const optimizer = {
    ...defaultOptimizerSettings(kind),
    ...(kind === DEFAULT_RECIPE.optimizer ? { learningRate: DEFAULT_RECIPE.learningRate } : {}),
  };
  if (flags.lr !== undefined) optimizer.learningRate = flags.lr;
  optimizer.weightDecay = flags.weightDecay ?? DEFAULT_RECIPE.weightDecay;
  const plan = newPlan(flags, optimizer, 0, trainCount, null);
  const now = new Date().toISOString();
  const info: NetworkModelInfo = {
    layerSizes,
    activation,
    optimizer,
    optimizerStep: 0,
    optimizerState: true,
    plan,
    position: { epochsDone: 0, stepInEpoch: 0 },
    seed,
    dataSource: data.source,
    testAccuracy: null,
    history: [],
    command: "",
    createdAt: now,
    updatedAt: now,
  };
  return { model: { network, info }, plan, position: info.position, resumed: false };
}

function newPlan(
  flags: TrainFlags,
  optimizer: OptimizerSettings,
  startEpoch: number,
  trainCount: number,
  previous: TrainingPlan | null,
): TrainingPlan {
  return {
    startEpoch,
    epochs: flags.epochs ?? DEFAULT_RECIPE.epochs,
    batchSize: flags.batch ?? previous?.batchSize ?? DEFAULT_RECIPE.batchSize,
    optimizer,
    schedule: flags.schedule ?? previous?.schedule ?? DEFAULT_RECIPE.schedule,
    warmupEpochs: flags.warmup ?? previous?.warmupEpochs ?? DEFAULT_RECIPE.warmupEpochs,
    seed: flags.seed ?? previous?.seed ?? DEFAULT_RECIPE.seed,
    limit: Math.min(flags.limit ?? trainCount, trainCount),
    augment: flags.augment ?? previous?.augment ?? false,
  };
}

async function runSession(
  session: Session,
  flags: TrainFlags,
  data: MnistData,
  io: CommandIo,
  stopRequested: () => boolean,
): Promise<number> {
  const plan = session.plan;
  // Opened before the header so that it can say where the distorted digits are made.
  const batches = plan.augment ? openAugmentPipeline(data.train, plan) : undefined;
  try {
    return await trainWith(session, flags, data, io, stopRequested, batches);
  } finally {
    batches?.close(); // ends the worker however training ends, so the process can exit
  }
}

async function trainWith(
  session: Session,
  flags: TrainFlags,
  data: MnistData,
  io: CommandIo,
  stopRequested: () => boolean,
  batches: AugmentPipeline | undefined,
): Promise<number> {
  const { model, plan } = session;
  const network = model.network;
  const render: TrainRenderer = flags.json
    ? jsonTrainRenderer(io)
    : io.isTerminal && io.color !== "none"
    ? liveTrainRenderer(io)
    : plainTrainRenderer(io);
  say(
    io,
    flags,
    `Training ${network.layerSizes.join("-")} (${network.activation}, ${
      count(network.parameterCount)
    } parameters) with ${plan.optimizer.kind} lr ${plan.optimizer.learningRate}, batch ${plan.batchSize}, ${plan.schedule} schedule` +
      ` on ${data.description}: ${count(plan.limit)} training digits, ${
        count(data.test.count)
      } test digits` +
      (batches
        ? `, augmented on ${batches.thread === "worker" ? "a worker" : "the main"} thread`
        : ""),
  );
  model.info.command = commandLine();
  model.info.dataSource = data.source;
  model.info.optimizerState = !flags.weightsOnly;
  let saves = Promise.resolve();
  const onEvent = async (event: TrainEvent) => {
    render(event);
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
    saves = saveNetworkModel(flags.model, model);
    await saves;
  };
  const outcome = await trainNetwork(
    network,
    data.train,
    data.test,
    plan,
    session.position,
    { onEvent, shouldStop: stopRequested, batches },
  );
  await saves;
  if (outcome.status === "diverged") {
    throw new UserError(
      `training diverged at epoch ${outcome.epoch}, batch ${
        outcome.step + 1
      }: the loss is no longer a finite number; the learning rate ${plan.optimizer.learningRate} is probably too high. ` +
        (session.resumed || outcome.position.epochsDone > plan.startEpoch
          ? `The last good model in ${flags.model} is kept.`
          : "No model was saved."),
    );
  }
  if (outcome.status === "stopped") {
    model.info.position = outcome.position;
    model.info.updatedAt = new Date().toISOString();
    await saveNetworkModel(flags.model, model);
    const where = `epoch ${outcome.position.epochsDone + 1}, batch ${outcome.position.stepInEpoch}`;
    if (flags.json) {
      io.write(
        JSON.stringify({ event: "stopped", model: flags.model, ...outcome.position }) + "\n",
      );
    } else {
      io.write(
        `\nStopped at ${where}; saved to ${flags.model}. Run train again to resume.\n`,
      );
    }
    return EXIT_INTERRUPTED;
  }
  if (flags.json) {
    io.write(
      JSON.stringify({
        event: "done",
        model: flags.model,
        testAccuracy: model.info.testAccuracy,
      }) + "\n",
    );
  } else {
    io.write(
      `Saved ${flags.model}: ${outcome.position.epochsDone} epochs, test accuracy ${
        percent(model.info.testAccuracy ?? 0)
      }\n`,
    );
  }
  return 0;
}

/** Prints a note unless the output is JSON (then stdout stays machine-readable). */
function say(io: CommandIo, flags: TrainFlags, line: string): void {
  if (!flags.json) io.write(line + "\n");
}

/** The command line as typed, for the model's metadata (so a model says how it was made). */
function commandLine(): string {
  return ["deno task start", ...Deno.args].join(" ");
}

/** Sets a flag on SIGINT/SIGTERM so training stops after the current batch. */
function listenForStop(): { requested: () => boolean; dispose: () => void } {
  let requested = false;
  const handler = () => {
    requested = true;
  };
  const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
  for (const signal of signals) Deno.addSignalListener(signal, handler);
  return {
    requested: () => requested,
    dispose: () => {
      for (const signal of signals) Deno.removeSignalListener(signal, handler);
    },
  };
}
