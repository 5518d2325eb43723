/**
 * The Train screen's form: fields with defaults, editing by keys, validation with the reason
 * shown inline, and the TrainRequest it amounts to. Pure: state in, state (or lines) out.
 */
import { hiddenLayers, integerIn, numberIn } from "../../../train/option_values.ts";
import type { NetworkModelInfo } from "../../../train/checkpoint.ts";
import {
  type Activation,
  ACTIVATIONS,
  defaultOptimizerSettings,
  type OptimizerKind,
  OPTIMIZERS,
} from "../../../network/mod.ts";
import { DEFAULT_RECIPE } from "../../../train/recipe.ts";
import type { TrainRequest } from "../../../train/session.ts";
import { type ColorLevel, paint } from "../../../text/color.ts";
import type { InputEvent } from "../../terminal/keys.ts";
import { fitWidth, truncate } from "../../../text/layout.ts";

/** The form's fields, in screen order. */
export type FieldName =
  | "mode"
  | "hidden"
  | "activation"
  | "epochs"
  | "batch"
  | "lr"
  | "optimizer"
  | "augment"
  | "limit";

/** One editable value: free text checked by a parser, or one of a few choices. */
export interface Field {
  name: FieldName;
  label: string;
  /** What the field means, shown while it has the focus. */
  help: string;
  kind: "text" | "choice";
  value: string;
  choices?: readonly string[];
  /** Changed by the user (on resume only edited values are sent: the rest stays as saved). */
  edited: boolean;
  /** Shown but not editable (the architecture of a model being resumed). */
  locked?: string;
}

/** The whole form: fields, focus (fields.length = the Start button), and what it knows. */
export interface TrainForm {
  fields: Field[];
  focus: number;
  /** The next typed character replaces the value (just focused) instead of appending. */
  replaceOnType: boolean;
  modelPath: string;
  /** The model file's description when it exists (then Resume / Start fresh is offered). */
  existing?: NetworkModelInfo;
  /** Training digits available (for "all"). */
  trainCount: number;
}

const ON_OFF = ["off", "on"] as const;
const MODES = ["resume", "fresh"] as const;
const parseEpochs = integerIn(1, 10_000);
const parseBatch = integerIn(1, 4096);
const parseLearningRate = numberIn(1e-9, 100);
const parseLimit = integerIn(1, 10_000_000);

/** The default learning rate for an optimizer (the recipe's for adam). */
function defaultLearningRate(kind: OptimizerKind): number {
  return kind === DEFAULT_RECIPE.optimizer
    ? DEFAULT_RECIPE.learningRate
    : defaultOptimizerSettings(kind).learningRate;
}

/**
 * A new form with the recipe's defaults; when the model file exists, with Resume chosen, the
 * saved architecture locked and the saved plan's values as defaults.
 *
 * @example
 * ```ts
 * const form = createTrainForm({ modelPath: "models/default.safetensors", trainCount: 60000 });
 * ```
 */
export function createTrainForm(
  options: { modelPath: string; existing?: NetworkModelInfo; trainCount: number },
): TrainForm {
  const saved = options.existing;
  const plan = saved?.plan ?? undefined;
  const field = (f: Omit<Field, "edited">): Field => ({ ...f, edited: false });
  const fields: Field[] = [];
  if (saved) {
    fields.push(field({
      name: "mode",
      label: "Model file",
      help: "resume: keep training the saved network; fresh: a new network replaces the file",
      kind: "choice",
      value: "resume",
      choices: MODES,
    }));
  }
  fields.push(
    field({
      name: "hidden",
      label: "Hidden layers",
      help: "widths of the hidden layers, comma-separated, e.g. 128,64 (none: no hidden layer)",
      kind: "text",
      value: (saved ? saved.layerSizes.slice(1, -1) : DEFAULT_RECIPE.hidden).join(",") || "none",
    }),
    field({
      name: "activation",
      label: "Activation",
      help: "the function applied after each hidden layer",
      kind: "choice",
      value: saved?.activation ?? DEFAULT_RECIPE.activation,
      choices: ACTIVATIONS,
    }),
    field({
      name: "epochs",
      label: "Epochs",
      help: "passes over the training digits (more epochs: more accurate, up to a point)",
      kind: "text",
      value: String(DEFAULT_RECIPE.epochs),
    }),
    field({
      name: "batch",
      label: "Batch size",
      help: "digits per weight update",
      kind: "text",
      value: String(plan?.batchSize ?? DEFAULT_RECIPE.batchSize),
    }),
    field({
      name: "lr",
      label: "Learning rate",
      help: "step size of the updates (too high: training diverges)",
      kind: "text",
      value: String(saved?.optimizer.learningRate ?? DEFAULT_RECIPE.learningRate),
    }),
    field({
      name: "optimizer",
      label: "Optimizer",
      help: "sgd: plain gradient descent; momentum; adam: adaptive steps (fastest here)",
      kind: "choice",
      value: saved?.optimizer.kind ?? DEFAULT_RECIPE.optimizer,
      choices: OPTIMIZERS,
    }),
    field({
      name: "augment",
      label: "Augment",
      help:
        "randomly shift, rotate, scale and distort training digits (slower, generalizes better)",
      kind: "choice",
      value: plan?.augment ? "on" : "off",
      choices: ON_OFF,
    }),
    field({
      name: "limit",
      label: "Training digits",
      help: `how many training digits to use: all, or the first N (a quick try)`,
      kind: "text",
      value: "all",
    }),
  );
  return applyMode({
    fields,
    focus: 0,
    replaceOnType: true,
    modelPath: options.modelPath,
    existing: saved,
    trainCount: options.trainCount,
  });
}

/** Locks the architecture fields to the saved model while resuming; unlocks them for fresh. */
function applyMode(form: TrainForm): TrainForm {
  const resume = form.existing !== undefined && valueOf(form, "mode") === "resume";
  const fields = form.fields.map((f) => {
    if (f.name !== "hidden" && f.name !== "activation") return f;
    return { ...f, locked: resume ? "from the model file" : undefined };
  });
  return { ...form, fields };
}

function valueOf(form: TrainForm, name: FieldName): string | undefined {
  return form.fields.find((f) => f.name === name)?.value;
}

/** Why a field's value is refused, or undefined when it is fine. */
export function fieldError(field: Field): string | undefined {
  if (field.locked || field.kind === "choice") return undefined;
  try {
    switch (field.name) {
      case "hidden":
        hiddenLayers(field.value);
        break;
      case "epochs":
        parseEpochs(field.value);
        break;
      case "batch":
        parseBatch(field.value);
        break;
      case "lr":
        parseLearningRate(field.value);
        break;
      case "limit":
        if (field.value.trim() !== "all") parseLimit(field.value);
        break;
    }
  } catch (error) {
    return (error as Error).message.replace(/\.$/, "");
  }
  return undefined;
}

/**
 * What the form asks for: on resume only the values the user changed (so an interrupted plan
 * continues exactly), when fresh every value. Undefined when a field is invalid.
 */
export function trainRequestOf(form: TrainForm): TrainRequest | undefined {
  if (form.fields.some((f) => fieldError(f) !== undefined)) return undefined;
  const fresh = form.existing === undefined || valueOf(form, "mode") === "fresh";
  const request: TrainRequest = { modelPath: form.modelPath, fresh };
  for (const f of form.fields) {
    if (f.locked || (!fresh && !f.edited)) continue;
    switch (f.name) {
      case "hidden":
        request.hidden = hiddenLayers(f.value);
        break;
      case "activation":
        request.activation = f.value as Activation;
        break;
      case "epochs":
        request.epochs = parseEpochs(f.value);
        break;
      case "batch":
        request.batch = parseBatch(f.value);
        break;
      case "lr":
        request.lr = parseLearningRate(f.value);
        break;
      case "optimizer":
        request.optimizer = f.value as OptimizerKind;
        break;
      case "augment":
        request.augment = f.value === "on";
        break;
      case "limit":
        if (f.value.trim() !== "all") request.limit = parseLimit(f.value);
        break;
    }
  }
  return request;
}

/** What a key did to the form. */
export interface FormResult {
  form: TrainForm;
  /** "start": Enter with valid values; "cancel": Esc or Ctrl-C. */
  action?: "start" | "cancel";
}

/**
 * Applies a key: ↑/↓ (Tab, Shift-Tab) move between fields and the Start button, ←/→ and
 * space change a choice, typing edits a text field (the first key after focusing replaces the
 * value), Backspace deletes, Enter starts when every value is valid (else jumps to the first
 * invalid one), Esc and Ctrl-C cancel.
 */
export function trainFormKey(form: TrainForm, event: InputEvent): FormResult {
  if (event.type !== "key") return { form };
  const { key } = event;
  if (key === "escape" || (event.ctrl && key === "c")) return { form, action: "cancel" };
  const positions = form.fields.length + 1;
  const move = (delta: number): FormResult => {
    let focus = form.focus;
    do focus = (focus + delta + positions) % positions; while (
      focus < form.fields.length && form.fields[focus].locked
    );
    return { form: { ...form, focus, replaceOnType: true } };
  };
  if (key === "up" || (key === "tab" && event.shift)) return move(-1);
  if (key === "down" || key === "tab") return move(1);
  if (key === "enter") {
    const invalid = form.fields.findIndex((f) => fieldError(f) !== undefined);
    if (invalid >= 0) return { form: { ...form, focus: invalid } };
    return { form, action: "start" };
  }
  const field = form.fields[form.focus];
  if (!field || field.locked) return { form };
  const update = (change: Partial<Field>, replaceOnType = false): FormResult => {
    const fields = form.fields.map((f, i) =>
      i === form.focus ? { ...f, ...change, edited: true } : f
    );
    let next: TrainForm = { ...form, fields, replaceOnType };
    if (field.name === "mode") next = applyMode(next);
    if (field.name === "optimizer") next = followOptimizer(next, change.value!);
    return { form: next };
  };
  if (field.kind === "choice") {
    const choices = field.choices!;
    const at = choices.indexOf(field.value);
    if (key === "left") {
      return update({ value: choices[(at - 1 + choices.length) % choices.length] });
    }
    if (key === "right" || key === " ") {
      return update({ value: choices[(at + 1) % choices.length] });
    }
    return { form };
  }
  if (key === "backspace") {
    return update({ value: form.replaceOnType ? "" : field.value.slice(0, -1) });
  }
  if (!event.ctrl && !event.alt && [...key].length === 1 && key >= " ") {
    return update({ value: form.replaceOnType ? key : field.value + key });
  }
  return { form };
}

/** A new optimizer brings its own default learning rate, unless the user typed one. */
function followOptimizer(form: TrainForm, kind: string): TrainForm {
  const fields = form.fields.map((f) =>
    f.name === "lr" && !f.edited
      ? { ...f, value: String(defaultLearningRate(kind as OptimizerKind)) }
      : f
  );
  return { ...form, fields };
}

/**
 * The form as lines: what will happen to the model file, one row per field (focused one
 * highlighted, choices shown side by side with the chosen one marked, refusals in red with
 * their reason), the Start button, and the focused field's help.
 */
export function renderTrainForm(
  form: TrainForm,
  options: { width: number; color: ColorLevel },
): string[] {
  const c = paint(options.color);
  const plain = options.color === "none";
  const lines: string[] = [];
  const saved = form.existing;
  if (saved) {
    const accuracy = saved.testAccuracy !== null
      ? `, test accuracy ${(saved.testAccuracy * 100).toFixed(2)}%`
      : "";
    lines.push(
      `${c.bold(form.modelPath)} exists: ${saved.layerSizes.join("-")} ${saved.activation}, ` +
        `${saved.position.epochsDone} epochs${accuracy}`,
    );
    const resume = valueOf(form, "mode") === "resume";
    const unfinished = saved.plan !== null &&
      saved.position.epochsDone < saved.plan.startEpoch + saved.plan.epochs;
    lines.push(
      resume
        ? c.dim(
          unfinished && !form.fields.some((f) => f.edited && f.name !== "mode")
            ? "Resume continues the interrupted plan where it stopped (change a value for a new plan)."
            : "Resume trains the saved network further and saves it back.",
        )
        : c.yellow(`Start fresh: a new network will REPLACE ${form.modelPath}.`),
    );
  } else {
    lines.push(`A new network, saved to ${c.bold(form.modelPath)} after every epoch.`);
  }
  lines.push("");
  const labelWidth = 17;
  form.fields.forEach((f, i) => {
    const focused = i === form.focus;
    const label = fitWidth(f.label, labelWidth);
    let value: string;
    if (f.kind === "choice") {
      value = f.choices!.map((choice) => {
        const name = f.name === "mode" ? (choice === "resume" ? "Resume" : "Start fresh") : choice;
        if (choice !== f.value) return c.dim(plain ? ` ${name} ` : ` ${name} `);
        return plain
          ? `[${name}]`
          : focused
          ? c.inverse(` ${name} `)
          : c.bold.underline(` ${name} `);
      }).join(" ");
    } else {
      let text = f.value;
      if (f.name === "limit" && text.trim() === "all") {
        text = `all ${c.dim(`(${form.trainCount.toLocaleString("en-US")})`)}`;
      }
      const cursor = focused && !f.locked ? (plain ? "_" : c.inverse(" ")) : "";
      value = (focused ? c.bold(text) : text) + cursor;
    }
    const error = fieldError(f);
    const note = f.locked ? c.dim(`  (${f.locked})`) : error ? "  " + c.red(`✗ ${error}`) : "";
    const marker = focused ? c.cyan("▸ ") : "  ";
    lines.push(
      truncate(`${marker}${focused ? c.bold(label) : label} ${value}${note}`, options.width, "…"),
    );
  });
  lines.push("");
  const onStart = form.focus === form.fields.length;
  const button = " Start training ";
  lines.push(
    (onStart ? c.cyan("▸ ") : "  ") +
      (plain ? `[${button}]` : onStart ? c.inverse.bold(button) : c.bold(`[${button}]`)),
  );
  lines.push("");
  const focused = form.fields[form.focus];
  lines.push(c.dim(truncate(focused ? focused.help : "Enter starts training", options.width, "…")));
  return lines;
}
