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
 * import { resolveTrainValues, trainOption } from "./options.ts";
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
  LAYER_PRESETS,
  type LayerSpec,
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
  oneOf,
  OptionValueError,
} from "./option_values.ts";
import { UserError } from "../errors.ts";
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
  /** Learning-rate schedule: constant, cosine or step. */
  schedule: ScheduleKind;
  /** Linear warm-up length, in epochs. */
  warmup: number;
  /** Seed of the initial weights, shuffles and augmentation. */
  seed: number;
  /** The first `limit` training digits, or all of them. */
  limit: number | "all";
  /** Distort training digits on the fly. */
  augment: boolean;
  /** How much: "full" (shift, rotate, scale, shear, elastic) or "light" (for conv nets). */
  augmentLevel: "full" | "light";
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
  /** Their loss's weight lambda: loss = CE(digits) + lambda x CE(uniform, negatives). */
  negativeWeight: number;
  /**
   * Training digits held out (the last ones) to fit the temperature and the refusal
   * threshold; "auto": 5,000 when training with negatives, else none.
   */
  holdout: number | "auto";
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
    help: "learning-rate schedule: constant, cosine decay, or halved every epoch (step)",
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
    help: "linear learning-rate warm-up, in epochs (fractions allowed)",
    parse: numberIn(0, 1000),
    format: text,
    default: 0.1,
    saved: (saved) => saved.plan?.warmupEpochs,
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
    label: "Not-digits per digit",
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
    name: "holdout",
    flag: "--holdout <n>",
    label: "Held-out digits",
    help: "last N training digits kept out to calibrate; auto: 5000 with --negatives",
    parse: autoOrIntegerIn(0, 30_000),
    format: text,
    default: "auto",
    saved: (saved) => saved.plan?.holdout,
  }),
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

/**
 * The value an option takes when not given: the saved model's when resuming (if it has one),
 * else the default for the optimizer chosen, else the default.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultValue, trainOption } from "./options.ts";
 * assert.equal(defaultValue(trainOption("lr"), "momentum"), 0.05);
 * assert.equal(defaultValue(trainOption("epochs"), "adam"), 5);
 * ```
 */
export function defaultValue<K extends TrainValueName>(
  spec: TrainOption<K>,
  optimizer: OptimizerKind,
  saved?: SavedTraining,
): TrainValues[K] {
  const fromSaved = saved && spec.saved ? spec.saved(saved, optimizer) : undefined;
  return fromSaved ?? spec.perOptimizer?.[optimizer] ?? spec.default;
}

/**
 * Every training value: those `given`, the rest filled in by defaultValue (with `saved` when
 * resuming). The one place the session and the form get the values they do not ask for.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultOptimizerSettings } from "../network/mod.ts";
 * import { resolveTrainValues } from "./options.ts";
 * const saved = {
 *   layerSizes: [784, 32, 10],
 *   activation: "tanh" as const,
 *   optimizer: { ...defaultOptimizerSettings("sgd"), learningRate: 0.02 },
 *   plan: null,
 * };
 * assert.equal(resolveTrainValues({}, saved).lr, 0.02); // the saved rate, same optimizer
 * assert.equal(resolveTrainValues({ optimizer: "adam" }, saved).lr, 0.003); // a switch
 * assert.deepEqual(resolveTrainValues({}, saved).hidden, [32]);
 * ```
 */
export function resolveTrainValues(
  given: Partial<TrainValues>,
  saved?: SavedTraining,
): TrainValues {
  const optimizer = given.optimizer ?? defaultValue(trainOption("optimizer"), "adam", saved);
  const values: Record<string, unknown> = {};
  for (const spec of TRAIN_OPTIONS) {
    values[spec.name] = given[spec.name] ?? defaultValue(loose(spec), optimizer, saved);
  }
  return values as unknown as TrainValues;
}

/**
 * The training values among `record`'s keys (e.g. commander's parsed flags), the rest left out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pickTrainValues } from "./options.ts";
 * assert.deepEqual(pickTrainValues({ lr: 0.01, json: true, model: "m" }), { lr: 0.01 });
 * ```
 */
export function pickTrainValues(record: Record<string, unknown>): Partial<TrainValues> {
  const values: Record<string, unknown> = {};
  for (const spec of TRAIN_OPTIONS) {
    if (record[spec.name] !== undefined) values[spec.name] = record[spec.name];
  }
  return values as Partial<TrainValues>;
}

/**
 * Whether two values of an option are the same (layer lists compare by their widths).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sameValue } from "./options.ts";
 * assert.ok(sameValue([128, 64], [128, 64]));
 * assert.ok(!sameValue(0.1, 0.01));
 * ```
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.join() === b.join();
  return a === b;
}

/**
 * The flags that ask for `values`, in `--help` order: the command line of a request (kept in a
 * model's metadata so a run from the menu can be repeated from a shell).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { flagsOf } from "./options.ts";
 * assert.deepEqual(flagsOf({ augment: true, lr: 0.01, hidden: [] }), [
 *   "--hidden", "none", "--lr", "0.01", "--augment",
 * ]);
 * ```
 */
export function flagsOf(values: Partial<TrainValues>): string[] {
  const flags: string[] = [];
  for (const spec of TRAIN_OPTIONS) {
    const value = values[spec.name];
    if (value === undefined) continue;
    const flag = spec.flag.split(" ")[0];
    if (spec.negation) flags.push(value ? flag : spec.negation.flag.split(" ")[0]);
    else flags.push(flag, loose(spec).format(value));
  }
  return flags;
}

/**
 * The command line that does what the form asked, kept in the model file ("made by"), so a
 * run from the menu can be repeated from a shell. Values are written as their options' flags.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { commandOf } from "./options.ts";
 *
 * assert.equal(
 *   commandOf({ modelPath: "m.safetensors", epochs: 3, augment: false }, undefined, {}),
 *   "deno task start train --epochs 3 --no-augment",
 * );
 * ```
 */
export function commandOf(
  request: Partial<TrainValues> & { modelPath: string; fresh?: boolean },
  modelFlag: string | undefined,
  data: { dataDir?: string; sample?: boolean },
): string {
  const parts = ["deno task start train"];
  if (modelFlag !== undefined) parts.push(`--model ${request.modelPath}`);
  parts.push(...flagsOf(request));
  if (request.fresh) parts.push("--fresh");
  if (data.sample) parts.push("--sample");
  if (data.dataDir !== undefined) parts.push(`--data-dir ${data.dataDir}`);
  return parts.join(" ");
}

/** Largest configuration file read: a few hundred bytes is usual; more is not a config. */
const MAX_CONFIG_BYTES = 64 * 1024;

/**
 * The training values of a configuration file's JSON: an object whose keys are the option
 * names of TRAIN_OPTIONS (`hidden`, `layers`, `lr`, `weightDecay`, ...) and whose values are
 * what the flag takes, as JSON (`0.003` or `"3e-3"`, `[128, 64]` or `"128,64"`, `true` for a
 * switch). Each value goes through its option's own parser and range, so a file accepts and
 * refuses exactly what the flags do; keys starting with `//` are comments. A bad key or value
 * is a UserError naming `source`, the key and what was expected.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseTrainConfig } from "./options.ts";
 * const values = parseTrainConfig('{"layers": "cnn", "lr": 0.001, "augment": true}', "run.json");
 * assert.deepEqual(values, { layers: "cnn", lr: 0.001, augment: true });
 * assert.throws(() => parseTrainConfig('{"lr": 500}', "run.json"), {
 *   message: 'run.json: "lr": expected a number from 1e-9 to 100, got "500".',
 * });
 * assert.throws(() => parseTrainConfig('{"rate": 0.1}', "run.json"), /unknown key "rate"/);
 * ```
 */
export function parseTrainConfig(text: string, source: string): Partial<TrainValues> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new UserError(
      `${source}: expected a JSON object of training options, e.g. {"epochs": 3}`,
    );
  }
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    if (key.startsWith("//")) continue;
    const spec = TRAIN_OPTIONS.find((candidate) => candidate.name === key);
    if (!spec) {
      throw new UserError(`${source}: unknown key ${JSON.stringify(key)}; ${knownKeys(key)}`);
    }
    const typed = configText(spec, value);
    const where = `${source}: ${JSON.stringify(key)}`;
    if (typed === undefined) {
      throw new UserError(`${where}: expected ${expectedJson(spec)}, got ${JSON.stringify(value)}`);
    }
    try {
      values[key] = loose(spec).parse(typed);
    } catch (error) {
      if (!(error instanceof OptionValueError)) throw error;
      throw new UserError(`${where}: ${error.message}`);
    }
  }
  return values as Partial<TrainValues>;
}

/**
 * Reads a training configuration file (`train --config run.json`): see parseTrainConfig. The
 * command line's flags override what it sets.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readTrainConfig } from "./options.ts";
 * const quick = await readTrainConfig("examples/quick.json");
 * assert.equal(quick.limit, 5000);
 * ```
 */
export async function readTrainConfig(path: string): Promise<Partial<TrainValues>> {
  let bytes: Uint8Array;
  try {
    const file = await Deno.open(path);
    try {
      const info = await file.stat();
      if (!info.isFile) throw new UserError(`${path}: not a file`);
      if (info.size > MAX_CONFIG_BYTES) {
        throw new UserError(`${path}: ${info.size} bytes, too large for a training configuration`);
      }
      bytes = new Uint8Array(info.size);
      let read = 0;
      while (read < bytes.length) {
        const n = await file.read(bytes.subarray(read));
        if (n === null) break;
        read += n;
      }
      bytes = bytes.subarray(0, read);
    } finally {
      file.close();
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    if (error instanceof Deno.errors.NotFound) throw new UserError(`${path}: no such file`);
    throw new UserError(`${path}: cannot read (${(error as Error).message.split("\n")[0]})`);
  }
  return parseTrainConfig(new TextDecoder().decode(bytes), path);
}

/** A JSON value as the text its flag would be typed as; undefined for a type that cannot be. */
function configText(spec: AnyTrainOption, value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" && spec.name !== "augment") return String(value);
  if (typeof value === "boolean" && spec.name === "augment") return value ? "on" : "off";
  if (Array.isArray(value) && spec.name === "hidden" && value.every((v) => typeof v === "number")) {
    return value.join(",");
  }
  if (
    Array.isArray(value) && spec.name === "negatives" && value.every((v) => typeof v === "string")
  ) return value.join(",") || "none";
  return undefined;
}

/** What JSON a key takes, for a value of the wrong type. */
function expectedJson(spec: AnyTrainOption): string {
  if (spec.name === "augment") return "true or false";
  if (spec.name === "hidden") return 'a list of widths such as [128, 64] (or "128,64")';
  if (spec.name === "negatives") return 'a list of kinds such as ["shapes", "icons"], or "all"';
  if (spec.choices) return `one of ${spec.choices.map((c) => JSON.stringify(c)).join(", ")}`;
  if (spec.name === "layers") return 'a layer spec such as "conv5x32,pool,dense128" or "cnn"';
  return spec.name === "limit" ? 'a number or "all"' : "a number";
}

/** The keys a file may use, with the one meant when `key` is a flag's spelling of it. */
function knownKeys(key: string): string {
  const asFlag = TRAIN_OPTIONS.find((spec) => spec.flag.split(" ")[0] === `--${key}`);
  const meant = asFlag ? `did you mean "${asFlag.name}"? ` : "";
  return `${meant}expected one of ${TRAIN_OPTIONS.map((spec) => spec.name).join(", ")}`;
}
