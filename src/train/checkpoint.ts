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
  checkLayers,
  countParameters,
  denseLayers,
  DIGIT_CLASSES,
  foldBatchNorm,
  hasNotADigitOutput,
  type Kernels,
  type LayerSpec,
  Network,
  networkTensors,
  OPTIMIZERS,
  type OptimizerSettings,
  outputShape,
  restoreNetworkTensors,
  type ScheduleKind,
  SCHEDULES,
} from "../network/mod.ts";
import type { TrainingPlan, TrainingPosition } from "./trainer.ts";
import { type ModelCalibration, parseModelCalibration } from "./calibration.ts";
import { describeArchitecture } from "./architecture.ts";
import { loadModelFile, MODEL_FORMAT, MODEL_FORMAT_VERSION, saveModelFile } from "../model/mod.ts";

/** One finished epoch, as kept in the model's history. */
export interface EpochRecord {
  /** The epoch's number, from 1. */
  epoch: number;
  /** Mean training loss (cross-entropy) over the epoch. */
  loss: number;
  /** Accuracy on the training batches, 0..1. */
  trainAccuracy: number;
  /** Accuracy on the test digits after the epoch, 0..1. */
  testAccuracy: number;
  /** How long the epoch took. */
  seconds: number;
}

/** Everything the app stores about a model besides its tensors. */
export interface NetworkModelInfo {
  /** Flat widths: input, then each layer's output (784-256-10 for the dense default). */
  layerSizes: number[];
  /** The hidden activation (that of the first conv or dense layer). */
  activation: Activation;
  /** The input's shape: [784] for version-1 dense files, [28, 28, 1] for layer lists. */
  inputShape: number[];
  /** Every layer, output included: what the network is built from (format version 2). */
  layers: LayerSpec[];
  /** The optimizer and its settings (learning rate, weight decay, moments). */
  optimizer: OptimizerSettings;
  /** Optimizer steps taken (Adam's bias correction needs it). */
  optimizerStep: number;
  /** False when the file holds weights only (smaller; resuming restarts the optimizer). */
  optimizerState: boolean;
  /** The plan of the latest training run and how far it got. */
  plan: TrainingPlan | null;
  /** Where training stands: epochs done, batches into the next. */
  position: TrainingPosition;
  /** Seed of the initial weights. */
  seed: number;
  /** What it was trained on: "mnist" or the offline "sample"; null when unknown. */
  dataSource: DataSource | null;
  /** Test accuracy after the last completed epoch (or the last `test`), 0..1. */
  testAccuracy: number | null;
  /** Every epoch trained, in order. */
  history: EpochRecord[];
  /** The command line that trained it, for reproducing. */
  command: string;
  /** When the model was first saved (ISO 8601). */
  createdAt: string;
  /** When it was last saved (ISO 8601). */
  updatedAt: string;
  /** Temperature and refusal threshold fitted on held-out data; absent in older files. */
  calibration?: ModelCalibration;
}

/** A network together with its stored description. */
export interface NetworkModel {
  /** The network with its weights. */
  network: Network;
  /** What the file says about it. */
  info: NetworkModelInfo;
}

/**
 * Saves network, optimizer state and info to `path` atomically. Without optimizer state (weights
 * only), batch normalization is folded into the weights before it (foldBatchNorm).
 */
export async function saveNetworkModel(path: string, model: NetworkModel): Promise<void> {
  // Weights only: for inference, so each batch norm is folded into the layer before it.
  const network = model.info.optimizerState ? model.network : foldBatchNorm(model.network);
  // The layer list is the network's own: what the file says it is, it is.
  const info = {
    ...model.info,
    optimizerStep: network.optimizerStep,
    layerSizes: [...network.layerSizes],
    inputShape: [...network.inputShape],
    layers: network.layers.map((layer) => ({ ...layer })),
  };
  await saveModelFile(path, {
    metadata: { format: MODEL_FORMAT, formatVersion: MODEL_FORMAT_VERSION, ...info },
    tensors: networkTensors(network, info.optimizerState ? info.optimizer.kind : undefined),
  });
}

/**
 * Loads a model file into a new network (with kernels and batch capacity of the caller's
 * choosing), checking the stored description and every tensor's shape; problems are one-line
 * UserErrors naming the file.
 */
export async function loadNetworkModel(
  path: string,
  options: {
    maxBatch?: number;
    kernels?: Kernels;
    halves?: boolean;
    /** Give a ten-output network an 11th output, "not a digit" (see `withNotADigitOutput`). */
    addNotADigitOutput?: boolean;
  } = {},
): Promise<NetworkModel> {
  const file = await loadModelFile(path);
  let info = parseInfo(file.metadata, path);
  let tensors = new Map(file.tensors.map((t) => [t.name, t]));
  if (options.addNotADigitOutput && !hasNotADigitOutput(info.layerSizes.at(-1) ?? 0)) {
    ({ info, tensors } = withNotADigitOutput(info, tensors));
  }
  // A few edited bytes of JSON must not make us allocate gigabytes: the network the metadata
  // describes cannot have more parameters than the file holds numbers (restore checks shapes).
  const architecture = { inputShape: info.inputShape, layers: info.layers };
  const parametersNeeded = countParameters(architecture);
  const numbersInFile = file.tensors.reduce((sum, t) => sum + t.data.length, 0);
  // Named by the layers the metadata lists: an edited list is what a mismatch points to.
  const listed = `its layers (${describeArchitecture(architecture)})`;
  if (parametersNeeded > numbersInFile) {
    throw new UserError(
      `${path}: ${listed} need ${parametersNeeded} parameters but its tensors hold ${numbersInFile} numbers`,
    );
  }
  // Activations and image buffers grow with the layers' outputs: refuse what could not fit.
  const floatsPerSample = info.layerSizes.reduce((sum, n) => sum + n, 0);
  if (floatsPerSample > MAX_FLOATS_PER_SAMPLE) {
    throw new UserError(
      `${path}: its layers need ${floatsPerSample} values per digit, more than ${MAX_FLOATS_PER_SAMPLE}`,
    );
  }
  const network = new Network(architecture, {
    maxBatch: options.maxBatch,
    kernels: options.kernels,
    seed: info.seed,
    halves: options.halves,
  });
  const stateKind = info.optimizerState ? info.optimizer.kind : undefined;
  const problem = restoreNetworkTensors(network, tensors, stateKind);
  if (problem) throw new UserError(`${path}: ${listed} do not match its tensors: ${problem}`);
  network.optimizerStep = info.optimizerState ? info.optimizerStep : 0;
  if (info.calibration) {
    const { temperature, refuseBelow, asIsWeight, refusalScore } = info.calibration;
    network.readout = { temperature, refuseBelow };
    if (asIsWeight !== undefined) network.readout.asIsWeight = asIsWeight;
    // Only a file calibrated for it reads in two parts; older ones keep their reading.
    if (refusalScore !== undefined) network.readout.refusalScore = refusalScore;
  }
  return { network, info };
}

/**
 * A ten-output network's description and tensors with an 11th output, "not a digit", appended
 * to its output layer: each tensor of that layer (weights [in x out], bias [out], and their
 * optimizer moments) gets one more output column, all zeros. So the new output's logit starts at
 * 0 for every image, far under a trained network's digit logits: the digits' probabilities
 * hardly move, and training with not-a-digit images taught as that class (`--negative-target
 * class`) grows it from the features the network already has. What the network reads digits
 * with stays as it was.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network, networkTensors, parseLayerSpec } from "../network/mod.ts";
 * import { withNotADigitOutput } from "./checkpoint.ts";
 *
 * const network = new Network(parseLayerSpec("dense4"), { seed: 1 });
 * const tensors = new Map(networkTensors(network, "adam").map((t) => [t.name, t]));
 * const info = { layerSizes: [...network.layerSizes], layers: [...network.layers] };
 * const grafted = withNotADigitOutput(info, tensors);
 * assert.deepEqual(grafted.info.layerSizes, [784, 4, 11]);
 * assert.deepEqual(grafted.info.layers.at(-1), { kind: "dense", units: 11, activation: "softmax" });
 * assert.deepEqual(grafted.tensors.get("layers.1.weight")?.shape, [4, 11]);
 * assert.deepEqual(grafted.tensors.get("layers.1.bias")?.data.at(10), 0);
 * ```
 */
export function withNotADigitOutput<
  I extends { layerSizes: number[]; layers: LayerSpec[] },
  T extends { name: string; shape: number[]; data: Float32Array },
>(info: I, tensors: ReadonlyMap<string, T>): { info: I; tensors: Map<string, T> } {
  const last = info.layers.at(-1);
  if (last?.kind !== "dense" || last.units !== DIGIT_CLASSES) {
    throw new RangeError("a not-a-digit output is added to a network ending in ten outputs");
  }
  const index = info.layers.length - 1;
  const widened = new Map(tensors);
  for (const [name, tensor] of tensors) {
    // layers.<index>.weight / .bias, and optimizer.layers.<index>.* (their moments)
    if (!name.replace(/^optimizer\./, "").startsWith(`layers.${index}.`)) continue;
    const outputs = tensor.shape.at(-1)!;
    if (outputs !== DIGIT_CLASSES) continue;
    const rows = tensor.data.length / outputs;
    const data = new Float32Array(rows * (outputs + 1));
    for (let r = 0; r < rows; r++) {
      data.set(tensor.data.subarray(r * outputs, (r + 1) * outputs), r * (outputs + 1));
    }
    widened.set(name, { ...tensor, shape: [...tensor.shape.slice(0, -1), outputs + 1], data });
  }
  return {
    info: {
      ...info,
      layerSizes: [...info.layerSizes.slice(0, -1), DIGIT_CLASSES + 1],
      layers: [...info.layers.slice(0, -1), { ...last, units: DIGIT_CLASSES + 1 }],
    },
    tensors: widened,
  };
}

// A layer list whose outputs need more than this per digit is refused before allocating (the
// cnn preset needs about 60,000; this allows networks far larger than any that trains here).
const MAX_FLOATS_PER_SAMPLE = 4_000_000;

function parseInfo(metadata: Record<string, unknown>, path: string): NetworkModelInfo {
  const fail = (what: string): never => {
    throw new UserError(`${path}: invalid model metadata: ${what}`);
  };
  const activation = metadata.activation as Activation;
  if (!ACTIVATIONS.includes(activation)) fail(`unknown activation ${JSON.stringify(activation)}`);
  let inputShape: number[];
  let layers: LayerSpec[];
  if (metadata.formatVersion === 1) {
    // Version 1: a dense network, described by its widths.
    const sizes = metadata.layerSizes;
    if (
      !Array.isArray(sizes) || sizes.length < 2 ||
      !sizes.every((n) => Number.isInteger(n) && n > 0 && n <= 100_000)
    ) fail(`layerSizes ${JSON.stringify(sizes)} is not a list of layer widths`);
    inputShape = [(sizes as number[])[0]];
    layers = denseLayers(sizes as number[], activation);
  } else {
    // Version 2 lists the layers: without them the widths alone cannot say what a conv is.
    if (metadata.layers === undefined) fail("the layer list (layers) is missing");
    inputShape = metadata.inputShape as number[];
    layers = metadata.layers as LayerSpec[];
    const problem = checkLayers({ inputShape, layers });
    if (problem) fail(`layers: ${problem}`);
  }
  const inputSize = inputShape.reduce((a, b) => a * b, 1);
  const last = layers[layers.length - 1];
  const outputs = last.kind === "dense" ? last.units : 0;
  if (inputSize !== 784 || (outputs !== DIGIT_CLASSES && !hasNotADigitOutput(outputs))) {
    fail(`layers do not take 784 pixels to 10 digits (and "not a digit")`);
  }
  const layerSizes = layerWidths(inputShape, layers);
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
  const calibration = parseModelCalibration(metadata.calibration);
  return {
    layerSizes,
    activation,
    inputShape,
    layers,
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
    ...(calibration ? { calibration } : {}),
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
    ["cycleStart", "cycleEnd"].every((key) =>
      plan[key] === undefined || (Number.isFinite(plan[key]) && (plan[key] as number) >= 0)
    ) &&
    (plan.augmentLevel === undefined || plan.augmentLevel === "full" ||
      plan.augmentLevel === "light") &&
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

/** Flat widths of a checked layer list: the input size, then each layer's output size. */
function layerWidths(inputShape: readonly number[], layers: readonly LayerSpec[]): number[] {
  const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
  const widths = [size(inputShape)];
  let shape: readonly number[] = inputShape;
  for (const layer of layers) {
    shape = outputShape(shape, layer) as readonly number[];
    widths.push(size(shape));
  }
  return widths;
}
