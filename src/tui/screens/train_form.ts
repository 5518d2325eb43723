/**
 * The Train screen's form: one field per training option (built from TRAIN_OPTIONS in
 * `src/train/options.ts`: label, help, parser, default), editing by keys, validation with the
 * reason shown inline, and the TrainRequest it amounts to. A field the user has not edited shows
 * the value the session will train with: the saved model's when resuming, else the default (the
 * learning rate follows the optimizer). Pure: state in, state (or lines) out.
 *
 * The network is Hidden layers (dense widths) or, when Layers holds a preset or a layer list,
 * that list (Hidden layers is then marked unused and not sent). Resuming locks all three; a saved
 * CNN has no hidden widths, so its Hidden layers shows `—`. On a short screen the fields scroll
 * with the focus (see renderTrainForm in train_form_view.ts).
 */
import { isDenseLayers } from "../../train/architecture.ts";
import type { NetworkModelInfo } from "../../train/checkpoint.ts";
import type { OptimizerKind } from "../../network/mod.ts";
import {
  type SavedTraining,
  type TrainOption,
  trainOption,
  type TrainValueName,
  type TrainValues,
} from "../../train/options.ts";
import { defaultValue, sameValue } from "../../train/train_values.ts";
import type { TrainRequest } from "../../train/session.ts";
import { FAST_CNN_RECIPE } from "../../train/recipe.ts";
import type { ColorLevel } from "../../text/color.ts";
import type { InputEvent } from "../terminal/keys.ts";
import { editField, renderField, type TextField, textField } from "../widgets/text_input.ts";

/** The form's fields: the model file's mode (when it exists), then the training options. */
export type FieldName = "mode" | TrainValueName;

/** One editable value: free text checked by a parser, or one of a few choices. */
export interface Field {
  name: FieldName;
  label: string;
  /** What the field means, shown while it has the focus. */
  help: string;
  kind: "text" | "choice";
  value: string;
  /** Where the cursor is in a text field's value (0..value.length). */
  cursor: number;
  choices?: readonly string[];
  /** Changed by the user; a field not edited follows the defaults (mode, optimizer). */
  edited: boolean;
  /** Shown but not editable (the architecture of a model being resumed). */
  locked?: string;
}

/** The whole form: fields, focus (fields.length = the Start button), and what it knows. */
/** The model the other screens use, when it is another file than the one the form trains. */
export interface ModelInUse {
  path: string;
  accuracy: number | null;
}

export interface TrainForm {
  fields: Field[];
  focus: number;
  /** The next typed character replaces the value (just focused) instead of inserting. */
  replaceOnType: boolean;
  modelPath: string;
  /** The model file's description when it exists (then Resume / Start fresh is offered). */
  existing?: NetworkModelInfo;
  /** Training digits available (for "all"). */
  trainCount: number;
  /** The model in use now, when training makes another file the one the screens use. */
  inUse?: ModelInUse;
  /** The path being typed after `l` (or Ctrl-O): a training configuration file to load. */
  configPrompt?: TextField;
  /** What the last configuration file did to the form, or why it was refused. */
  configNote?: { text: string; error: boolean };
}

/**
 * The options in screen order. Those a first try changes come first; the ones after "Training
 * digits" (weight decay, schedule, warm-up, seed) are for tuning.
 */
const FORM_ORDER: readonly TrainValueName[] = [
  "hidden",
  "activation",
  "layers",
  "epochs",
  "batch",
  "lr",
  "optimizer",
  "augment",
  "limit",
  "augmentLevel",
  "negatives",
  "negativeRatio",
  "negativeWeight",
  "negativeTarget",
  "holdout",
  "fontDigits",
  "weightDecay",
  "schedule",
  "warmup",
  "cycleStart",
  "cycleEnd",
  "beta1",
  "beta2",
  "standardize",
  "evalEvery",
  "stopAt",
  "keepBest",
  "threads",
  "seed",
];
const MODES = ["resume", "fresh"] as const;
export const LABEL_WIDTH = 17;
/** The Hidden layers value shown for a saved network that is a layer list, not dense widths. */
const NOT_DENSE = "—";

/**
 * A new form with the defaults; when the model file exists, with Resume chosen, the saved
 * architecture locked and the saved model's values shown.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createTrainForm, trainRequestOf } from "./train_form.ts";
 * const form = createTrainForm({ modelPath: "models/default.safetensors", trainCount: 60000 });
 * assert.equal(form.fields.find((field) => field.name === "lr")?.value, "0.003");
 * assert.deepEqual(trainRequestOf(form), { modelPath: "models/default.safetensors", fresh: true });
 * ```
 */
export function createTrainForm(
  options: {
    modelPath: string;
    existing?: NetworkModelInfo;
    trainCount: number;
    inUse?: ModelInUse;
  },
): TrainForm {
  const saved = options.existing;
  const fields: Field[] = [];
  if (saved) {
    fields.push({
      name: "mode",
      label: "Model file",
      help: "resume: keep training the saved network; fresh: a new network replaces the file",
      kind: "choice",
      value: "resume",
      cursor: 0,
      choices: MODES,
      edited: false,
    });
  }
  for (const name of FORM_ORDER) {
    const spec = trainOption(name);
    fields.push({
      name,
      label: spec.label,
      help: spec.help,
      kind: spec.choices ? "choice" : "text",
      value: "",
      cursor: 0,
      choices: spec.choices,
      edited: false,
    });
  }
  return followDefaults({
    fields,
    focus: 0,
    replaceOnType: true,
    modelPath: options.modelPath,
    existing: saved,
    trainCount: options.trainCount,
    inUse: options.inUse,
  });
}

/** What the session will fill in for values not asked for: the saved model's when resuming. */
function savedFor(form: TrainForm): SavedTraining | undefined {
  const resume = form.existing !== undefined && valueOf(form, "mode") === "resume";
  return resume ? form.existing : undefined;
}

function specOf(field: Field): TrainOption | undefined {
  return field.name === "mode" ? undefined : trainOption(field.name);
}

/**
 * Shows in every field the user has not edited the value the session will use (the saved one
 * when resuming, the learning rate of the chosen optimizer); locks the architecture while
 * resuming.
 */
function followDefaults(form: TrainForm): TrainForm {
  const saved = savedFor(form);
  const optimizerField = form.fields.find((f) => f.name === "optimizer")!;
  const optimizer = optimizerField.edited
    ? optimizerField.value as OptimizerKind
    : defaultValue(trainOption("optimizer"), "adam", saved);
  // A saved layer list (a CNN) has no hidden widths: its Hidden layers field shows none.
  const layerList = saved?.layers !== undefined && !isDenseLayers(saved.layers);
  const fields = form.fields.map((f): Field => {
    const spec = specOf(f);
    if (!spec) return f;
    if (f.name === "hidden" && layerList) {
      return {
        ...f,
        value: NOT_DENSE,
        cursor: 0,
        edited: false,
        locked: "a layer list: see Layers",
      };
    }
    const locked = saved && spec.architecture ? "from the model file" : undefined;
    if (f.edited && !locked) return { ...f, locked };
    const value = spec.format(defaultValue(spec, optimizer, saved));
    return { ...f, value, cursor: value.length, edited: false, locked };
  });
  return { ...form, fields };
}

export function valueOf(form: TrainForm, name: FieldName): string | undefined {
  return form.fields.find((f) => f.name === name)?.value;
}

/**
 * Why a field's value is refused (the option's own message, as `train` prints it for the flag),
 * or undefined when it is fine.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createTrainForm, fieldError } from "./train_form.ts";
 * const form = createTrainForm({ modelPath: "m", trainCount: 100 });
 * const epochs = { ...form.fields.find((field) => field.name === "epochs")!, value: "0" };
 * assert.equal(fieldError(epochs), 'expected a whole number from 1 to 10,000, got "0"');
 * ```
 */
export function fieldError(field: Field): string | undefined {
  const spec = specOf(field);
  if (field.locked || !spec) return undefined;
  try {
    spec.parse(field.value);
  } catch (error) {
    return (error as Error).message.replace(/\.$/, "");
  }
  return undefined;
}

/**
 * What the form asks for: the values that differ from what the session would use anyway (the
 * saved model's when resuming, so an interrupted plan continues exactly when nothing changed;
 * the defaults when fresh), like the flags one would type. Undefined when a field is invalid.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createTrainForm, trainRequestOf } from "./train_form.ts";
 * const form = createTrainForm({ modelPath: "m", trainCount: 100 });
 * form.fields.find((field) => field.name === "epochs")!.value = "12";
 * assert.deepEqual(trainRequestOf(form), { modelPath: "m", fresh: true, epochs: 12 });
 * ```
 */
export function trainRequestOf(form: TrainForm): TrainRequest | undefined {
  if (form.fields.some((f) => fieldError(f) !== undefined)) return undefined;
  const saved = savedFor(form);
  const request: TrainRequest = { modelPath: form.modelPath, fresh: saved === undefined };
  const optimizer = trainOption("optimizer").parse(valueOf(form, "optimizer")!);
  const values = request as unknown as Record<string, unknown>;
  for (const f of form.fields) {
    const spec = specOf(f);
    if (!spec || f.locked || hiddenUnused(form, f)) continue;
    const value = spec.parse(f.value);
    if (!sameValue(value, defaultValue(spec, optimizer, saved))) values[spec.name] = value;
  }
  return request;
}

/**
 * Whether `f` is the Hidden layers field while Layers gives the network (a layer list replaces
 * the dense widths: the field is shown as not used, and not sent).
 */
export function hiddenUnused(form: TrainForm, f: Field): boolean {
  const layers = form.fields.find((other) => other.name === "layers");
  return f.name === "hidden" && layers !== undefined && !layers.locked &&
    layers.value.trim() !== "";
}

/** Whether `f` is the Distortion field while Augment is off (it changes nothing then). */
export function distortionUnused(form: TrainForm, f: Field): boolean {
  const augment = form.fields.find((other) => other.name === "augment");
  return f.name === "augmentLevel" && augment?.value === "off";
}

/** What a key did to the form. */
export interface FormResult {
  form: TrainForm;
  /**
   * "start": Enter with valid values; "cancel": Esc, Ctrl-C, or q outside a text field;
   * "load-config": Enter on the configuration prompt (the screen reads `configPath`, then
   * hands its values to applyTrainConfig).
   */
  action?: "start" | "cancel" | "load-config";
  /** The configuration file to load, with "load-config". */
  configPath?: string;
}

/**
 * Applies a key: ↑/↓ (Tab, Shift-Tab) move between fields and the Start button, ←/→ and
 * space change a choice; in a text field, typing edits at the cursor (the first key after
 * focusing replaces the value), ←/→/Home/End move the cursor, Backspace/Delete delete (see
 * text_input.ts); l (or Ctrl-O) loads a configuration file, f the fast CNN recipe (where no text
 * is being typed). Enter starts when every value is valid (else jumps to the first invalid one);
 * Esc and Ctrl-C cancel, and q too where no text is being typed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createTrainForm, trainFormKey } from "./train_form.ts";
 * const form = createTrainForm({ modelPath: "m", trainCount: 100 });
 * const key = (key: string) => ({ type: "key" as const, key, ctrl: false, alt: false, shift: false, sequence: key });
 * assert.equal(trainFormKey(form, key("down")).form.focus, 1);
 * assert.equal(trainFormKey(form, key("escape")).action, "cancel");
 * ```
 */
export function trainFormKey(form: TrainForm, event: InputEvent): FormResult {
  if (event.type !== "key") return { form };
  if (form.configPrompt) return configPromptKey(form, event);
  const { key } = event;
  const typingText = form.fields[form.focus]?.kind === "text" && !form.fields[form.focus].locked;
  if ((event.ctrl && key === "o") || (key === "l" && !event.ctrl && !event.alt && !typingText)) {
    return { form: { ...form, configPrompt: textField(""), configNote: undefined } };
  }
  // The fast CNN: examples/speedrun.json's values, as if that file were loaded.
  if (key === "f" && !event.ctrl && !event.alt && !typingText) {
    return { form: applyTrainConfig(form, FAST_CNN_RECIPE, "fast CNN (examples/speedrun.json)") };
  }
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
  // Home and End go to the first field and to Start, except inside a text being edited,
  // where they move the cursor.
  if ((key === "home" || key === "end") && !typingText) {
    const first = form.fields.findIndex((f) => !f.locked);
    return {
      form: {
        ...form,
        focus: key === "home" ? Math.max(0, first) : form.fields.length,
        replaceOnType: true,
      },
    };
  }
  if (key === "enter") {
    const invalid = form.fields.findIndex((f) => fieldError(f) !== undefined);
    if (invalid >= 0) return { form: { ...form, focus: invalid } };
    return { form, action: "start" };
  }
  const field = form.fields[form.focus];
  if (!field || field.kind === "choice") {
    if (key === "q" && !event.ctrl && !event.alt) return { form, action: "cancel" };
  }
  if (!field || field.locked) return { form };
  const update = (value: string, cursor: number): FormResult => {
    const fields = form.fields.map((f, i) =>
      i === form.focus ? { ...f, value, cursor, edited: f.edited || value !== f.value } : f
    );
    let next: TrainForm = { ...form, fields, replaceOnType: false };
    if (field.name === "mode" || field.name === "optimizer") next = followDefaults(next);
    return { form: next };
  };
  if (field.kind === "choice") {
    const choices = field.choices!;
    const at = choices.indexOf(field.value);
    if (key === "left") return update(choices[(at - 1 + choices.length) % choices.length], 0);
    if (key === "right" || key === " ") return update(choices[(at + 1) % choices.length], 0);
    return { form };
  }
  if (form.replaceOnType) {
    // Just focused: the value is as if selected; typing replaces it, Backspace clears it.
    if (key === "backspace" || key === "delete") return update("", 0);
    const typed = editField(textField(""), event);
    if (typed && typed.text !== "") return update(typed.text, typed.cursor);
  }
  const edited = editField({ text: field.value, cursor: field.cursor }, event);
  return edited ? update(edited.text, edited.cursor) : { form };
}

/** Keys while the configuration path is typed: Enter loads it, Esc closes the prompt. */
function configPromptKey(form: TrainForm, event: InputEvent & { type: "key" }): FormResult {
  const prompt = form.configPrompt!;
  if (event.key === "escape" || (event.ctrl && event.key === "c")) {
    return { form: { ...form, configPrompt: undefined } };
  }
  if (event.key === "enter") {
    const path = prompt.text.trim();
    if (path === "") return { form: { ...form, configPrompt: undefined } };
    return { form: { ...form, configPrompt: undefined }, action: "load-config", configPath: path };
  }
  const edited = editField(prompt, event);
  return { form: edited ? { ...form, configPrompt: edited } : form };
}

/**
 * The form with a configuration file's values (see readTrainConfig in src/train/options.ts) in
 * their fields, as if typed: what `train --config` would use, except that the architecture of a
 * model being resumed stays (its fields are locked; the note says which were kept).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { applyTrainConfig, createTrainForm, trainRequestOf } from "./train_form.ts";
 * const form = createTrainForm({ modelPath: "m", trainCount: 60000 });
 * const loaded = applyTrainConfig(form, { epochs: 2, optimizer: "sgd", limit: 5000 }, "quick.json");
 * assert.deepEqual(trainRequestOf(loaded), {
 *   modelPath: "m", fresh: true, epochs: 2, optimizer: "sgd", limit: 5000,
 * });
 * assert.equal(loaded.configNote?.text, "quick.json: set Epochs, Optimizer, Training digits");
 * ```
 */
export function applyTrainConfig(
  form: TrainForm,
  values: Partial<TrainValues>,
  path: string,
): TrainForm {
  const set: string[] = [];
  const kept: string[] = [];
  const fields = form.fields.map((f): Field => {
    const spec = specOf(f);
    if (!spec || !(spec.name in values)) return f;
    const value = (values as Record<string, unknown>)[spec.name];
    if (value === undefined) return f;
    if (f.locked) {
      kept.push(f.label);
      return f;
    }
    set.push(f.label);
    const text = (spec as TrainOption).format(value as never);
    return { ...f, value: text, cursor: text.length, edited: true };
  });
  const note = [
    set.length > 0 ? `set ${set.join(", ")}` : "nothing to set",
    kept.length > 0 ? `kept ${kept.join(", ")} from the model file` : "",
  ].filter(Boolean).join("; ");
  return followDefaults({
    ...form,
    fields,
    configNote: { text: `${path}: ${note}`, error: false },
  });
}

/**
 * The line the screen shows under the form for the configuration prompt or its last result.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { configStatus, createTrainForm, trainFormKey } from "./train_form.ts";
 * const key = (key: string) => ({ type: "key" as const, key, ctrl: false, alt: false, shift: false, sequence: key });
 * let form = createTrainForm({ modelPath: "m", trainCount: 100 });
 * form = trainFormKey(form, { ...key("o"), ctrl: true }).form;
 * for (const c of "run.json") form = trainFormKey(form, key(c)).form;
 * assert.equal(configStatus(form, "none")?.text, "Load a config file (Enter, Esc cancels): run.json▏");
 * const result = trainFormKey(form, key("enter"));
 * assert.deepEqual([result.action, result.configPath], ["load-config", "run.json"]);
 * ```
 */
export function configStatus(
  form: TrainForm,
  color: ColorLevel,
): { text: string; error: boolean } | undefined {
  if (form.configPrompt) {
    const label = "Load a config file (Enter, Esc cancels): ";
    return { text: label + renderField(form.configPrompt, 60, true, color), error: false };
  }
  return form.configNote;
}
