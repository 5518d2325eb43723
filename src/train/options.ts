/**
 * The training options, written once: for each, its name, command-line flag, label in the
 * menu's Train form, help, parser with its range, and default (per optimizer where it differs,
 * the saved model's value when resuming). The `train` command's flags
 * (`src/cli/program.ts`), the Train form's fields (`src/tui/screens/train_form.ts`) and the
 * values a training session fills in (`session.ts`) are all built from TRAIN_OPTIONS, so a value
 * the form shows is the value trained with, and the flags and the form accept the same values.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { trainOption } from "./options.ts";
 * import { resolveTrainValues } from "./train_values.ts";
 * assert.equal(trainOption("lr").parse("3e-3"), 0.003);
 * // Not given: the recipe's values, the learning rate of the optimizer chosen.
 * assert.equal(resolveTrainValues({}).lr, 0.003);
 * assert.equal(resolveTrainValues({ optimizer: "sgd" }).lr, 0.1);
 * ```
 */
import {
  type Activation,
  ACTIVATIONS,
  DEFAULT_LEARNING_RATES,
  formatLayerSpec,
  hasNotADigitOutput,
  LAYER_PRESETS,
  type LayerSpec,
  ONECYCLE_END_FACTOR,
  ONECYCLE_START_FACTOR,
  type OptimizerKind,
  OPTIMIZERS,
  type OptimizerSettings,
  type ScheduleKind,
  SCHEDULES,
} from "../network/mod.ts";
import { isDenseLayers } from "./architecture.ts";
import { AVAILABLE_KINDS, NEGATIVE_KINDS } from "../negatives/mod.ts";
import {
  allOrIntegerIn,
  autoOrIntegerIn,
  hiddenLayers,
  integerIn,
  kindList,
  layerSpecText,
  numberIn,
  offOrNumberIn,
  oneOf,
} from "./option_values.ts";
import type { TrainingPlan } from "./trainer.ts";

/** Every training value, once chosen. */
export interface TrainValues {
  /** Hidden layer widths ([] for none): the network when `layers` is "". */
  hidden: number[];
  /** The function after each hidden layer (the output is softmax). */
  activation: Activation;
  /** The network as a layer spec or preset (cnn, lenet5, mlp); "": dense layers of `hidden`. */
  layers: string;
  /** Epochs to train (more epochs, when resuming). */
  epochs: number;
  /** Mini-batch size: digits per weight update. */
  batch: number;
  /** Base learning rate; the schedule scales it per step. */
  lr: number;
  /** sgd, momentum or adam. */
  optimizer: OptimizerKind;
  /** L2 weight decay on the weights (decoupled for adam). */
  weightDecay: number;
  /** Learning-rate schedule: constant, cosine, step or onecycle. */
  schedule: ScheduleKind;
  /** Linear warm-up length, in epochs (onecycle: the rise to its peak). */
  warmup: number;
  /** Onecycle's first rate, as a fraction of the peak (`lr`). */
  cycleStart: number;
  /** Onecycle's last rate, as a fraction of the peak (`lr`). */
  cycleEnd: number;
  /** Adam's decay of the mean gradient. */
  beta1: number;
  /** Adam's decay of the mean squared gradient. */
  beta2: number;
  /** Seed of the initial weights, shuffles and augmentation. */
  seed: number;
  /** The first `limit` training digits, or all of them. */
  limit: number | "all";
  /** Distort training digits on the fly. */
  augment: boolean;
  /** How much: "full" (shift, rotate, scale, shear, elastic) or "light" (for conv nets). */
  augmentLevel: "full" | "light";
  /** Feed the network (x - mean) / std instead of the 0..1 pixels (a `standardize` layer). */
  standardize: boolean;
  /** Evaluate on the test digits every this many batches too (0: after each epoch only). */
  evalEvery: number;
  /** End training after the first evaluation at or above this test accuracy. */
  stopAt: number | "off";
  /** Keep the best evaluation's weights in the model file. */
  keepBest: boolean;
  /**
   * Threads that train (each batch is two halves: 2 threads compute one each, 1 both, with
   * the same result); "auto": both cores when that pays for the network and batch.
   */
  threads: number | "auto";
  /**
   * Kinds of not-a-digit images (src/negatives) mixed into every batch, trained toward the
   * uniform output (outlier exposure); [] for none.
   */
  negatives: string[];
  /** Not-a-digit images per digit in a batch. */
  negativeRatio: number;
  /** Their loss's weight lambda: loss = CE(digits) + lambda x CE(target, negatives). */
  negativeWeight: number;
  /**
   * What a not-a-digit image is taught: "uniform", an unsure guess over the ten digits
   * (outlier exposure); "class", an eleventh output "not a digit" (a new network gets one).
   */
  negativeTarget: "class" | "uniform";
  /**
   * Training digits held out (the last ones) to fit the temperature and the refusal
   * threshold; "auto": 5,000 when training with negatives, else none.
   */
  holdout: number | "auto";
  /** Digits written in handwriting and pen fonts trained on beside MNIST's (0: none). */
  fontDigits: number;
}

/** The name of a training value: also its key in a TrainRequest and commander's flag name. */
export type TrainValueName = keyof TrainValues;

/** What a saved model says about the values of its next training run. */
export type SavedTraining = {
  layerSizes: readonly number[];
  /** The saved network's layer list (output layer included); absent in version-1 files. */
  layers?: readonly LayerSpec[];
  activation: Activation;
  optimizer: OptimizerSettings;
  plan: TrainingPlan | null;
};

/** One training option, as flag, form field and default. */
export interface TrainOption<K extends TrainValueName = TrainValueName> {
  name: K;
  /** The command-line flag with its value placeholder, e.g. "--lr <rate>" ("--augment": a switch). */
  flag: string;
  /** For a switch: its off flag and what that flag does. */
  negation?: { flag: string; help: string };
  /** The field's label in the Train form. */
  label: string;
  /** What the option means, for `--help` and under the form (short enough for 80 columns). */
  help: string;
  /** The allowed words when there are a few: cycled in the form, listed by `--help`. */
  choices?: readonly string[];
  /** Reads a typed value; throws OptionValueError saying what was expected. */
  parse: (text: string) => TrainValues[K];
  /** The value as a user would type it. */
  format: (value: TrainValues[K]) => string;
  /** The value for a new network (and when resuming, unless `saved` gives one). */
  default: TrainValues[K];
  /** Defaults that depend on the optimizer chosen (the learning rate). */
  perOptimizer?: Readonly<Record<OptimizerKind, TrainValues[K]>>;
  /** When resuming, the saved model's value (undefined: use the default). */
  saved?: (saved: SavedTraining, optimizer: OptimizerKind) => TrainValues[K] | undefined;
  /** Fixed by the network's shape: a resumed model's value cannot change. */
  architecture?: boolean;
}

/** Any one of the options (a union, so `parse` and `format` stay paired with their name). */
export type AnyTrainOption = { [K in TrainValueName]: TrainOption<K> }[TrainValueName];

const option = <K extends TrainValueName>(spec: TrainOption<K>): TrainOption<K> => spec;
/**
 * An option seen through the union of all value types, for code that handles every option alike
 * (its parse and format then take and give any training value).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loose, TRAIN_OPTIONS } from "./options.ts";
 * for (const spec of TRAIN_OPTIONS) {
 *   assert.deepEqual(loose(spec).parse(loose(spec).format(spec.default)), spec.default);
 * }
 * ```
 */
export const loose = (spec: AnyTrainOption): TrainOption => spec as unknown as TrainOption;
const text = (value: number | string) => String(value);
const ON_OFF = ["off", "on"] as const;
const AUGMENT_LEVEL_NAMES = ["full", "light"] as const;

/** What a not-a-digit image is taught (see TrainValues.negativeTarget). */
export const NEGATIVE_TARGETS = ["class", "uniform"] as const;

/** One of NEGATIVE_TARGETS. */
export type NegativeTarget = typeof NEGATIVE_TARGETS[number];

/** The training options in `--help` order (the README's "train" table). */
export const TRAIN_OPTIONS: readonly AnyTrainOption[] = [
  option({
    name: "hidden",
    flag: "--hidden <sizes>",
    label: "Hidden layers",
    help: "hidden layer widths, comma-separated, e.g. 128,64 (none: no hidden layer)",
    parse: hiddenLayers,
    format: (widths) => widths.join(",") || "none",
    default: [256],
    // A layer list (a CNN) has no hidden widths: its flat layer sizes are not a dense network.
    saved: (saved) =>
      saved.layers && !isDenseLayers(saved.layers) ? undefined : saved.layerSizes.slice(1, -1),
    architecture: true,
  }),
  option({
    name: "activation",
    flag: "--activation <name>",
    label: "Activation",
    help: "the function after each hidden layer (the output is softmax)",
    choices: ACTIVATIONS,
    parse: oneOf(ACTIVATIONS),
    format: text,
    default: "relu",
    saved: (saved) => saved.activation,
    architecture: true,
  }),
  option({
    name: "layers",
    flag: "--layers <spec>",
    label: "Layers",
    help: `preset ${
      Object.keys(LAYER_PRESETS).join("|")
    } or a list like conv5x32,pool,dense128; empty: dense`,
    parse: layerSpecText,
    format: text,
    default: "",
    // A dense network is described by its hidden widths (and opens in version-1 files too).
    saved: (saved) =>
      saved.layers && !isDenseLayers(saved.layers) ? formatLayerSpec(saved.layers) : "",
    architecture: true,
  }),
  option({
    name: "standardize",
    flag: "--standardize",
    negation: { flag: "--no-standardize", help: "feed the network the 0..1 pixels as they are" },
    label: "Standardize",
    help: "feed the network (x - 0.1307) / 0.3081: MNIST's mean and spread (saved)",
    choices: ON_OFF,
    parse: (value) => oneOf(ON_OFF)(value) === "on",
    format: (on) => (on ? "on" : "off"),
    default: false,
    saved: (saved) => saved.layers?.[0]?.kind === "standardize",
    architecture: true,
  }),
  option({
    name: "epochs",
    flag: "--epochs <n>",
    label: "Epochs",
    help: "passes over the training digits (on a resumed model: this many more)",
    parse: integerIn(1, 10_000),
    format: text,
    default: 5,
  }),
  option({
    name: "batch",
    flag: "--batch <n>",
    label: "Batch size",
    help: "mini-batch size: digits per weight update",
    parse: integerIn(1, 4096),
    format: text,
    default: 64,
    saved: (saved) => saved.plan?.batchSize,
  }),
  option({
    name: "lr",
    flag: "--lr <rate>",
    label: "Learning rate",
    help: "base learning rate: the step size of the updates (too high: it diverges)",
    parse: numberIn(1e-9, 100),
    format: text,
    default: DEFAULT_LEARNING_RATES.adam,
    perOptimizer: DEFAULT_LEARNING_RATES,
    // A new optimizer starts from its own default: the saved rate was chosen for another one.
    saved: (saved, optimizer) =>
      saved.optimizer.kind === optimizer ? saved.optimizer.learningRate : undefined,
  }),
  option({
    name: "optimizer",
    flag: "--optimizer <name>",
    label: "Optimizer",
    help: "sgd: plain gradient descent; momentum; adam: adaptive steps (fastest here)",
    choices: OPTIMIZERS,
    parse: oneOf(OPTIMIZERS),
    format: text,
    default: "adam",
    saved: (saved) => saved.optimizer.kind,
  }),
  option({
    name: "beta1",
    flag: "--beta1 <x>",
    label: "Adam beta1",
    help: "adam: decay of the mean gradient (lower: follows recent batches more)",
    parse: numberIn(0, 0.9999),
    format: text,
    default: 0.9,
    saved: (saved) => saved.optimizer.beta1,
  }),
  option({
    name: "beta2",
    flag: "--beta2 <x>",
    label: "Adam beta2",
    help: "adam: decay of the mean squared gradient",
    parse: numberIn(0, 0.99999),
    format: text,
    default: 0.999,
    saved: (saved) => saved.optimizer.beta2,
  }),
  option({
    name: "weightDecay",
    flag: "--weight-decay <x>",
    label: "Weight decay",
    help: "L2 weight decay on the weights (decoupled for adam)",
    parse: numberIn(0, 1),
    format: text,
    // 5e-4 (AdamW-style for adam): the default recipe ends at 98.52% instead of 98.37% (seed 1)
    // and reaches 98% at epoch 3 for seeds 1-3 (without: epoch 3 or 4).
    default: 5e-4,
    saved: (saved) => saved.optimizer.weightDecay,
  }),
  option({
    name: "schedule",
    flag: "--schedule <name>",
    label: "Schedule",
    help: "learning-rate schedule: constant, cosine, halved each epoch (step), onecycle",
    choices: SCHEDULES,
    parse: oneOf(SCHEDULES),
    format: text,
    default: "cosine",
    saved: (saved) => saved.plan?.schedule,
  }),
  option({
    name: "warmup",
    flag: "--warmup <epochs>",
    label: "Warm-up epochs",
    help: "linear learning-rate warm-up, in epochs (fractions allowed); onecycle: rise",
    parse: numberIn(0, 1000),
    format: text,
    default: 0.1,
    saved: (saved) => saved.plan?.warmupEpochs,
  }),
  option({
    name: "cycleStart",
    flag: "--cycle-start <x>",
    label: "Cycle start",
    help: "onecycle: the first rate as a fraction of lr (the peak)",
    parse: numberIn(0, 1),
    format: text,
    default: ONECYCLE_START_FACTOR,
    saved: (saved) => saved.plan?.cycleStart,
  }),
  option({
    name: "cycleEnd",
    flag: "--cycle-end <x>",
    label: "Cycle end",
    help: "onecycle: the last rate as a fraction of lr (the peak)",
    parse: numberIn(0, 1),
    format: text,
    default: ONECYCLE_END_FACTOR,
    saved: (saved) => saved.plan?.cycleEnd,
  }),
  option({
    name: "seed",
    flag: "--seed <n>",
    label: "Seed",
    help: "seed of the initial weights, shuffles and augmentation",
    parse: integerIn(0, 2 ** 32 - 1),
    format: text,
    default: 1,
    saved: (saved) => saved.plan?.seed,
  }),
  option({
    name: "threads",
    flag: "--threads <n>",
    label: "Threads",
    help: "threads that train, 1 or 2 (same result); auto: 2 when it pays",
    parse: autoOrIntegerIn(1, 2),
    format: text,
    default: "auto",
  }),
  option({
    name: "limit",
    flag: "--limit <n>",
    label: "Training digits",
    help: "train on the first N training digits only (all: every one)",
    parse: allOrIntegerIn(1, 10_000_000),
    format: text,
    default: "all",
  }),
  option({
    name: "augment",
    flag: "--augment",
    negation: {
      flag: "--no-augment",
      help: "train on the digits as they are (the default for new models)",
    },
    label: "Augment",
    help: "distort training digits on the fly (shift, rotate, scale, elastic) on a worker",
    choices: ON_OFF,
    parse: (value) => oneOf(ON_OFF)(value) === "on",
    format: (on) => (on ? "on" : "off"),
    default: false,
    saved: (saved) => saved.plan?.augment,
  }),
  option({
    name: "augmentLevel",
    flag: "--augment-level <level>",
    label: "Distortion",
    help: "how much --augment distorts: full (dense nets), light (no elastic: conv nets)",
    choices: AUGMENT_LEVEL_NAMES,
    parse: oneOf(AUGMENT_LEVEL_NAMES),
    format: text,
    default: "full",
    saved: (saved) => saved.plan?.augmentLevel,
  }),
  option({
    name: "negatives",
    flag: "--negatives <kinds>",
    label: "Not-digits",
    help: `not-a-digit images in each batch, trained toward "unsure": kinds or all, or none`,
    parse: kindList(NEGATIVE_KINDS, AVAILABLE_KINDS),
    format: (kinds) => kinds.join(",") || "none",
    default: [],
    saved: (saved) => saved.plan?.negatives?.kinds,
  }),
  option({
    name: "negativeRatio",
    flag: "--negative-ratio <r>",
    label: "Not-digit ratio",
    help: "not-a-digit images per training digit in a batch (with --negatives)",
    parse: numberIn(0.01, 4),
    format: text,
    default: 0.5,
    saved: (saved) => saved.plan?.negatives?.ratio,
  }),
  option({
    name: "negativeWeight",
    flag: "--negative-weight <x>",
    label: "Not-digit weight",
    help: "weight of the not-a-digit loss against the digits' (outlier exposure's lambda)",
    parse: numberIn(0.001, 10),
    format: text,
    default: 0.5,
    saved: (saved) => saved.plan?.negatives?.weight,
  }),
  option({
    name: "negativeTarget",
    flag: "--negative-target <target>",
    label: "Not-digit target",
    help: "not-a-digit images taught as: class (an 11th output, added on resume) or uniform",
    choices: NEGATIVE_TARGETS,
    parse: oneOf(NEGATIVE_TARGETS),
    format: text,
    // Measured (README "Not a digit"): the class refused fewer held-out not-a-digit images and
    // more real digits than the unsure answer once the CNN trained long, so unsure is the default.
    default: "uniform",
    // A model's own output count says what it was taught: eleven outputs, the class.
    saved: (saved) => hasNotADigitOutput(saved.layerSizes.at(-1) ?? 0) ? "class" : "uniform",
  }),
  option({
    name: "holdout",
    flag: "--holdout <n>",
    label: "Held-out digits",
    help: "last N training digits kept out to calibrate; auto: 5000 with --negatives",
    parse: autoOrIntegerIn(0, 30_000),
    format: text,
    default: "auto",
    saved: (saved) => saved.plan?.holdout,
  }),
  option({
    name: "fontDigits",
    flag: "--font-digits <n>",
    label: "Font digits",
    help: "digits written in handwriting and pen fonts, trained on beside MNIST's",
    parse: integerIn(0, 60_000),
    format: text,
    default: 0,
    saved: (saved) => saved.plan?.fontDigits,
  }),
  option({
    name: "evalEvery",
    flag: "--eval-every <batches>",
    label: "Evaluate every",
    help: "also test every N batches (--stop-at can end mid-epoch); 0: after epochs",
    parse: integerIn(0, 1_000_000),
    format: text,
    default: 0,
  }),
  option({
    name: "stopAt",
    flag: "--stop-at <accuracy>",
    label: "Stop at",
    help: "end after the first evaluation at or above this test accuracy, e.g. 0.99",
    parse: offOrNumberIn(0, 1),
    format: text,
    default: "off",
  }),
  option({
    name: "keepBest",
    flag: "--keep-best",
    negation: { flag: "--no-keep-best", help: "save the last weights, however they test" },
    label: "Keep best",
    help: "keep the weights of the best evaluation in the model file, not the last",
    choices: ON_OFF,
    parse: (value) => oneOf(ON_OFF)(value) === "on",
    format: (on) => (on ? "on" : "off"),
    default: false,
  }),
];

/**
 * Options that say how a run goes, not what it trains: giving one when resuming continues an
 * unfinished plan instead of starting a new one (one and two threads train the same bits).
 */
export const RUN_OPTIONS: readonly TrainValueName[] = [
  "threads",
  "evalEvery",
  "stopAt",
  "keepBest",
];

/**
 * The option named `name`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { trainOption } from "./options.ts";
 * assert.equal(trainOption("weightDecay").flag, "--weight-decay <x>");
 * ```
 */
export function trainOption<K extends TrainValueName>(name: K): TrainOption<K> {
  const spec = TRAIN_OPTIONS.find((candidate) => candidate.name === name);
  if (!spec) throw new Error(`no training option ${name}`);
  return spec as unknown as TrainOption<K>;
}
