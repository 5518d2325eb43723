/**
 * A trained network as a model file: the network's tensors plus what is needed to describe and
 * resume it (architecture, optimizer and its state, training plan and position, data source,
 * accuracy history). Bridges the pure network module and the model file format.
 */
import type { DataSource } from "../data/dataset.ts";
import { UserError } from "../errors.ts";
import {
  type Activation,
  ACTIVATIONS,
  type Kernels,
  Network,
  networkTensors,
  OPTIMIZERS,
  type OptimizerSettings,
  restoreNetworkTensors,
  type ScheduleKind,
  SCHEDULES,
} from "../network/mod.ts";
import type { TrainingPlan, TrainingPosition } from "./trainer.ts";
import {
  loadModelFile,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  saveModelFile,
} from "../model/model_file.ts";

/** One finished epoch, as kept in the model's history. */
export interface EpochRecord {
  epoch: number;
  loss: number;
  trainAccuracy: number;
  testAccuracy: number;
  seconds: number;
}

/** Everything the app stores about a model besides its tensors. */
export interface NetworkModelInfo {
  layerSizes: number[];
  activation: Activation;
  optimizer: OptimizerSettings;
  optimizerStep: number;
  /** False when the file holds weights only (smaller; resuming restarts the optimizer). */
  optimizerState: boolean;
  /** The plan of the latest training run and how far it got. */
  plan: TrainingPlan | null;
  position: TrainingPosition;
  /** Seed of the initial weights. */
  seed: number;
  dataSource: DataSource | null;
  /** Test accuracy after the last completed epoch (or the last `test`), 0..1. */
  testAccuracy: number | null;
  history: EpochRecord[];
  /** The command line that trained it, for reproducing. */
  command: string;
  createdAt: string;
  updatedAt: string;
}

/** A network together with its stored description. */
export interface NetworkModel {
  network: Network;
  info: NetworkModelInfo;
}

/** Saves network, optimizer state and info to `path` atomically. */
export async function saveNetworkModel(path: string, model: NetworkModel): Promise<void> {
  const info = { ...model.info, optimizerStep: model.network.optimizerStep };
  await saveModelFile(path, {
    metadata: { format: MODEL_FORMAT, formatVersion: MODEL_FORMAT_VERSION, ...info },
    tensors: networkTensors(model.network, info.optimizerState ? info.optimizer.kind : undefined),
  });
}

/**
 * Loads a model file into a new network (with kernels and batch capacity of the caller's
 * choosing), checking the stored description and every tensor's shape; problems are one-line
 * UserErrors naming the file.
 */
export async function loadNetworkModel(
  path: string,
  options: { maxBatch?: number; kernels?: Kernels } = {},
): Promise<NetworkModel> {
  const file = await loadModelFile(path);
  const info = parseInfo(file.metadata, path);
  const tensors = new Map(file.tensors.map((t) => [t.name, t]));
  // A few edited bytes of JSON must not make us allocate gigabytes: the network the metadata
  // describes cannot have more weights than the file holds numbers (restore checks each shape).
  let weightsNeeded = 0;
  for (let k = 0; k + 1 < info.layerSizes.length; k++) {
    weightsNeeded += info.layerSizes[k] * info.layerSizes[k + 1];
  }
  const numbersInFile = file.tensors.reduce((sum, t) => sum + t.data.length, 0);
  if (weightsNeeded > numbersInFile) {
    throw new UserError(
      `${path}: layers [${info.layerSizes}] need ${weightsNeeded} weights but the file holds ${numbersInFile} numbers`,
    );
  }
  const network = new Network(
    { layerSizes: info.layerSizes, activation: info.activation },
    { maxBatch: options.maxBatch, kernels: options.kernels, seed: info.seed },
  );
  const stateKind = info.optimizerState ? info.optimizer.kind : undefined;
  const problem = restoreNetworkTensors(network, tensors, stateKind);
  if (problem) throw new UserError(`${path}: ${problem}`);
  network.optimizerStep = info.optimizerState ? info.optimizerStep : 0;
  return { network, info };
}

function parseInfo(metadata: Record<string, unknown>, path: string): NetworkModelInfo {
  const fail = (what: string): never => {
    throw new UserError(`${path}: invalid model metadata: ${what}`);
  };
  const sizes = metadata.layerSizes;
  if (
    !Array.isArray(sizes) || sizes.length < 2 ||
    !sizes.every((n) => Number.isInteger(n) && n > 0 && n <= 100_000)
  ) fail(`layerSizes ${JSON.stringify(sizes)} is not a list of layer widths`);
  const layerSizes = sizes as number[];
  if (layerSizes[0] !== 784 || layerSizes[layerSizes.length - 1] !== 10) {
    fail(`layers [${layerSizes}] do not take 784 pixels to 10 digits`);
  }
  const activation = metadata.activation as Activation;
  if (!ACTIVATIONS.includes(activation)) fail(`unknown activation ${JSON.stringify(activation)}`);
  const optimizer = metadata.optimizer as OptimizerSettings;
  if (
    typeof optimizer !== "object" || optimizer === null || !OPTIMIZERS.includes(optimizer.kind) ||
    !["learningRate", "momentum", "beta1", "beta2", "epsilon", "weightDecay"].every((key) =>
      Number.isFinite((optimizer as unknown as Record<string, unknown>)[key])
    )
  ) fail("optimizer settings are incomplete");
  const position = metadata.position as TrainingPosition;
  if (
    typeof position !== "object" || position === null ||
    !Number.isInteger(position.epochsDone) || !Number.isInteger(position.stepInEpoch) ||
    position.epochsDone < 0 || position.stepInEpoch < 0
  ) fail("training position is missing");
  const optimizerStep = metadata.optimizerStep;
  if (!Number.isInteger(optimizerStep) || (optimizerStep as number) < 0) {
    fail("optimizerStep is missing");
  }
  const plan = metadata.plan ?? null;
  if (plan !== null && !isTrainingPlan(plan)) fail(`plan ${JSON.stringify(plan)} is not a plan`);
  const history = metadata.history ?? [];
  if (!Array.isArray(history) || !history.every(isEpochRecord)) {
    fail("history is not a list of epoch records");
  }
  const text = (key: string) => typeof metadata[key] === "string" ? metadata[key] as string : "";
  return {
    layerSizes,
    activation,
    optimizer,
    optimizerStep: optimizerStep as number,
    optimizerState: metadata.optimizerState !== false,
    plan: plan as TrainingPlan | null,
    position,
    seed: Number.isInteger(metadata.seed) ? metadata.seed as number : 1,
    dataSource: (metadata.dataSource ?? null) as DataSource | null,
    testAccuracy: typeof metadata.testAccuracy === "number" ? metadata.testAccuracy : null,
    history: history as EpochRecord[],
    command: text("command"),
    createdAt: text("createdAt"),
    updatedAt: text("updatedAt"),
  };
}

/** A plan `train` can resume: whole positive sizes, known schedule and optimizer. */
function isTrainingPlan(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const plan = value as Record<string, unknown>;
  const whole = (key: string, min: number) =>
    Number.isSafeInteger(plan[key]) && (plan[key] as number) >= min;
  const optimizer = plan.optimizer as Record<string, unknown> | null;
  return whole("startEpoch", 0) && whole("epochs", 0) && whole("batchSize", 1) &&
    whole("seed", 0) && whole("limit", 1) &&
    Number.isFinite(plan.warmupEpochs) && (plan.warmupEpochs as number) >= 0 &&
    SCHEDULES.includes(plan.schedule as ScheduleKind) &&
    (plan.augment === undefined || typeof plan.augment === "boolean") &&
    typeof optimizer === "object" && optimizer !== null &&
    OPTIMIZERS.includes(optimizer.kind as OptimizerSettings["kind"]) &&
    ["learningRate", "momentum", "beta1", "beta2", "epsilon", "weightDecay"].every((key) =>
      Number.isFinite(optimizer[key])
    );
}

/** One history entry with every number `info` prints. */
function isEpochRecord(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return ["epoch", "loss", "trainAccuracy", "testAccuracy", "seconds"].every((key) =>
    Number.isFinite(record[key])
  );
}
