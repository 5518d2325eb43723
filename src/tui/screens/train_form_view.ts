/**
 * How the Train form looks: the model file's lines, one row per field (label, value, what is
 * wrong with it) and the hint of the focused field. Pure: the form's state and keys are
 * train_form.ts.
 *
 * @module
 */
import { describeArchitecture, shortArchitectureName } from "../../train/architecture.ts";
import { type ColorLevel, paint } from "../../text/color.ts";
import { percent, plural } from "../../text/format.ts";
import { fitWidth, truncate, visibleWidth, wrapText } from "../../text/layout.ts";
import { renderField } from "../widgets/text_input.ts";
import {
  distortionUnused,
  type Field,
  fieldError,
  hiddenUnused,
  LABEL_WIDTH,
  type TrainForm,
  trainRequestOf,
  valueOf,
} from "./train_form.ts";

/**
 * The form as lines: what will happen to the model file, one row per field (focused one
 * highlighted, choices shown side by side with the chosen one marked, refusals in red with
 * their reason), the Start button, and the focused field's help. With `height`, the lines fit
 * it: the blank separators go first, then the fields scroll so that the focused one stays in
 * view (the Start button and the help always are; the button's row says how many fields are
 * out of view), and on a very short screen the model file's lines go last.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createTrainForm } from "./train_form.ts";
 * import { renderTrainForm } from "./train_form_view.ts";
 * const form = createTrainForm({ modelPath: "m", trainCount: 60000 });
 * const lines = renderTrainForm(form, { width: 80, color: "none" });
 * assert.ok(lines.some((line) => /Learning rate +0\.003/.test(line)));
 * assert.ok(lines.some((line) => /Training digits +all \(60,000\)/.test(line)));
 * // 8 rows: the first fields, the button (with what is below) and the help.
 * const short = renderTrainForm(form, { width: 40, color: "none", height: 8 });
 * assert.equal(short.length, 8);
 * assert.match(short.at(-2)!, /Start training.*↓ \d+ more/);
 * ```
 */
export function renderTrainForm(
  form: TrainForm,
  options: { width: number; color: ColorLevel; height?: number },
): string[] {
  const c = paint(options.color);
  const { width } = options;
  const plain = options.color === "none";
  const top = modelFileLines(form, options);
  const rows = form.fields.map((f, i) =>
    truncate(fieldRow(form, f, i === form.focus, options), width, "…")
  );
  const onStart = form.focus === form.fields.length;
  const focused = form.fields[form.focus];
  // A refusal too long for its row (a layer spec's) reads whole in the help's place, on up to
  // two lines.
  const error = focused && fieldError(focused);
  const help = error && visibleWidth(fieldRow(form, focused, true, options)) > width
    ? wrapText(`✗ ${error}`, width).slice(0, 2).map((line) => c.red(line))
    : [c.dim(truncate(focused ? focused.help : "Enter starts training", width, "…"))];
  const button = (above: number, below: number) => {
    const label = " Start training ";
    const hidden = [above > 0 ? `↑ ${above}` : "", below > 0 ? `↓ ${below}` : ""]
      .filter(Boolean).join(" ");
    return truncate(
      (onStart ? c.cyan("▸ ") : "  ") +
        (plain ? `[${label}]` : onStart ? c.inverse.bold(label) : c.bold(`[${label}]`)) +
        (hidden ? c.dim(`   ${hidden} more`) : ""),
      width,
      "…",
    );
  };
  const height = options.height ?? Infinity;
  // Everything, with blank lines between the parts, when it fits.
  if (top.length + rows.length + 3 + help.length <= height) {
    return [...top, "", ...rows, "", button(0, 0), ...help];
  }
  // Too short: no separators; the model file's lines give way while fewer than 3 fields show.
  let shownTop = top.length;
  const room = () => height - shownTop - 1 - help.length;
  while (shownTop > 0 && room() < Math.min(3, rows.length)) shownTop--;
  const window = Math.max(1, Math.min(rows.length, room()));
  // The focused field in the middle of the window (the last ones when on the Start button).
  const at = Math.min(form.focus, rows.length - 1);
  const offset = Math.max(0, Math.min(rows.length - window, at - Math.floor(window / 2)));
  const below = rows.length - offset - window;
  return [
    ...top.slice(0, shownTop),
    ...rows.slice(offset, offset + window),
    button(offset, below),
    ...help,
  ].slice(-Math.max(1, height));
}

/** What will happen to the model file: one or two lines, within the width. */
function modelFileLines(form: TrainForm, options: { width: number; color: ColorLevel }): string[] {
  const c = paint(options.color);
  const saved = form.existing;
  const fit = (line: string) => truncate(line, options.width, "…");
  // Training makes its file the one Test, Classify and Draw use: say so before it replaces a
  // model in use (the shipped 99.64% one, say), and how to go back.
  const takesOver = form.inUse
    ? [c.yellow(fit(
      `Once saved, it replaces ${form.inUse.path}${
        form.inUse.accuracy !== null ? ` (${percent(form.inUse.accuracy)})` : ""
      } as the model Test, Classify and Draw use; m on the menu switches back.`,
    ))]
    : [];
  if (!saved) {
    return [
      fit(`A new network, saved to ${c.bold(form.modelPath)} after every epoch.`),
      ...takesOver,
    ];
  }
  const accuracy = saved.testAccuracy !== null
    ? `, test accuracy ${(saved.testAccuracy * 100).toFixed(2)}%`
    : "";
  const trained = `${plural(saved.position.epochsDone, "epoch")}${accuracy}`;
  const said = (architecture: string) =>
    `${c.bold(form.modelPath)} exists: ${architecture}, ${trained}`;
  // A long layer list gives way to its short name (a preset's) before the line is cut.
  let first = said(describeArchitecture(saved));
  if (visibleWidth(first) > options.width) {
    first = said(`${shortArchitectureName(saved)} ${saved.activation}`);
  }
  const resume = valueOf(form, "mode") === "resume";
  const unfinished = saved.plan !== null &&
    saved.position.epochsDone < saved.plan.startEpoch + saved.plan.epochs;
  const request = trainRequestOf(form);
  const continues = request !== undefined &&
    form.fields.every((f) => f.name === "mode" || !(f.name in request));
  if (resume && !(unfinished && continues)) {
    // A new plan on the saved network: say what it will do, since its learning rate starts
    // over (a finished cosine run restarted at its full rate can lose accuracy first).
    const epochs = Number(valueOf(form, "epochs"));
    const done = saved.position.epochsDone;
    const plan = Number.isFinite(epochs) && epochs >= 1
      ? `epochs ${done + 1}-${done + epochs} at learning rate ${valueOf(form, "lr")} (${
        valueOf(form, "schedule")
      } schedule from its start)`
      : "more epochs";
    const earlier = saved.plan
      ? `; the last plan ran ${
        plural(saved.plan.epochs, "epoch")
      } at ${saved.plan.optimizer.learningRate}`
      : "";
    const lines = wrapText(
      `Resume trains ${plan} and saves it back${earlier}. A small rate keeps what was learned.`,
      options.width,
    ).slice(0, 2).map((line) => c.dim(fit(line)));
    return [fit(first), ...lines, ...takesOver];
  }
  const second = resume
    ? c.dim(
      "Resume continues the interrupted plan where it stopped (change a value for a new plan).",
    )
    : c.yellow(`Start fresh: a new network will REPLACE ${form.modelPath}.`);
  return [fit(first), fit(second), ...takesOver];
}

/**
 * One field's row: marker, label, value (choices side by side) and its note or refusal (not
 * cut to the width yet).
 */
function fieldRow(
  form: TrainForm,
  f: Field,
  focused: boolean,
  options: { width: number; color: ColorLevel },
): string {
  const c = paint(options.color);
  const plain = options.color === "none";
  const label = fitWidth(f.label, LABEL_WIDTH);
  const marker = focused ? c.cyan("▸ ") : "  ";
  const error = fieldError(f);
  const note = f.locked
    ? c.dim(`  (${f.locked})`)
    : error
    ? "  " + c.red(`✗ ${error}`)
    : hiddenUnused(form, f)
    ? c.dim("  (not used: Layers gives the network)")
    : distortionUnused(form, f)
    ? c.dim("  (not used: Augment is off)")
    : "";
  let value: string;
  if (f.kind === "choice") {
    value = f.choices!.map((choice) => {
      const name = f.name === "mode" ? (choice === "resume" ? "Resume" : "Start fresh") : choice;
      if (choice !== f.value) return c.dim(` ${name} `);
      return plain ? `[${name}]` : focused ? c.inverse(` ${name} `) : c.bold.underline(` ${name} `);
    }).join(" ");
  } else {
    const room = Math.max(4, options.width - visibleWidth(marker) - LABEL_WIDTH - 1);
    const editing = focused && !f.locked;
    value = renderField({ text: f.value, cursor: f.cursor }, room, editing, options.color);
    if (editing) value = c.bold(value);
    if (f.name === "layers" && f.value.trim() === "" && !editing) {
      value = c.dim("none: a dense network of Hidden layers");
    }
    if (f.name === "limit" && f.value.trim() === "all") {
      value += c.dim(` (${form.trainCount.toLocaleString("en-US")})`);
    }
  }
  return `${marker}${focused ? c.bold(label) : label} ${value}${note}`;
}
