import assert from "node:assert/strict";
import type { NetworkModelInfo } from "../../train/checkpoint.ts";
import { defaultOptimizerSettings, denseLayers, parseLayerSpec } from "../../network/mod.ts";
import { visibleWidth } from "../../text/layout.ts";
import { KeyParser } from "../terminal/keys.ts";
import {
  createTrainForm,
  type FieldName,
  type TrainForm,
  trainFormKey,
  trainRequestOf,
} from "./train_form.ts";
import { renderTrainForm } from "./train_form_view.ts";

/** Feeds `text` to the form as the terminal would send it. */
const keys = (form: TrainForm, text: string) => {
  const parser = new KeyParser();
  let action: string | undefined;
  for (const event of [...parser.feed(text), ...parser.flush()]) {
    const result = trainFormKey(form, event);
    form = result.form;
    action = result.action ?? action;
  }
  return { form, action };
};
const DOWN = "\x1b[B";
const UP = "\x1b[A";
const LEFT = "\x1b[D";
const RIGHT = "\x1b[C";
const HOME = "\x1b[H";
const END = "\x1b[F";
const BACKSPACE = "\x7f";
const text = (form: TrainForm) => renderTrainForm(form, { width: 100, color: "none" }).join("\n");

/** Presses Down until the field `name` has the focus (as a user would). */
function focusOn(form: TrainForm, name: FieldName): TrainForm {
  for (let i = 0; i <= form.fields.length; i++) {
    if (form.fields[form.focus]?.name === name) return form;
    form = keys(form, DOWN).form;
  }
  throw new Error(`${name} cannot get the focus`);
}

const existing = (overrides: Partial<NetworkModelInfo> = {}) =>
  ({
    layerSizes: [784, 32, 10],
    activation: "tanh",
    inputShape: [784],
    layers: denseLayers([784, 32, 10], "tanh"),
    optimizer: { ...defaultOptimizerSettings("sgd"), learningRate: 0.02 },
    testAccuracy: 0.9,
    position: { epochsDone: 1, stepInEpoch: 0 },
    plan: null,
    ...overrides,
  }) as unknown as NetworkModelInfo;

Deno.test("train form: the defaults are shown, and asking for nothing more trains them", () => {
  const form = createTrainForm({ modelPath: "m.safetensors", trainCount: 60000 });
  const screen = text(form);
  assert.match(screen, /Hidden layers +256/);
  assert.match(screen, /Epochs +5/);
  assert.match(screen, /Learning rate +0\.003/);
  assert.match(screen, /Optimizer +sgd +momentum +\[adam\]/);
  assert.match(screen, /Weight decay +0\.0005\n/);
  assert.match(screen, /Schedule +constant +\[cosine\] +step/);
  assert.match(screen, /Warm-up epochs +0\.1/);
  assert.match(screen, /Seed +1/);
  assert.match(screen, /Training digits +all \(60,000\)/);
  assert.equal(keys(form, "\r").action, "start");
  // The defaults are what the session uses anyway: the request is that of `train --fresh`.
  assert.deepEqual(trainRequestOf(form), { modelPath: "m.safetensors", fresh: true });
});

/** A saved CNN (the cnn preset), as its model file describes it. */
const savedCnn = () => {
  const { inputShape, layers } = parseLayerSpec("cnn");
  return existing({
    inputShape: [...inputShape],
    layers,
    activation: "relu",
    layerSizes: [784, 25088, 6272, 12544, 3136, 128, 128, 10],
  });
};

/** The row of the field that has the focus (or the Start button's) among `lines`. */
function focusedRow(form: TrainForm, lines: string[]): string | undefined {
  const field = form.fields[form.focus];
  return lines.find((line) =>
    line.startsWith("▸ ") && line.includes(field ? field.label : "Start training")
  );
}

Deno.test("train form: at 80x24 and 40x12 the focused field, the Start button and the help show", () => {
  const forms = [
    createTrainForm({ modelPath: "m", existing: existing(), trainCount: 60000 }),
    createTrainForm({ modelPath: "models/default.safetensors", trainCount: 60000 }),
    createTrainForm({ modelPath: "m", existing: savedCnn(), trainCount: 60000 }),
  ];
  // The body's rows: 24 - two header lines, the title rule and the footer = 20, 19 with a
  // status line; 12 rows leave 8.
  const sizes = [{ width: 80, height: 20 }, { width: 80, height: 19 }, { width: 40, height: 8 }];
  for (const form of forms) {
    for (const { width, height } of sizes) {
      for (let focus = 0; focus <= form.fields.length; focus++) {
        const at = { ...form, focus };
        const where = `${width}x${height}, focus ${focus}`;
        const lines = renderTrainForm(at, { width, color: "none", height });
        assert.ok(lines.length <= height, `${where}: ${lines.length} lines`);
        for (const line of lines) assert.ok(visibleWidth(line) <= width, `${where}: ${line}`);
        assert.ok(focusedRow(at, lines), `${where}: the focused row\n${lines.join("\n")}`);
        assert.ok(lines.some((line) => line.includes("[ Start training ]")), where);
        const help = lines.at(-1)!;
        const wanted = form.fields[focus]?.help ?? "Enter starts training";
        // At 80 columns the help reads whole; narrower it is cut, never dropped.
        if (width === 80) assert.equal(help, wanted, where);
        else assert.ok(wanted.startsWith(help.replace(/…$/, "")), `${where}: ${help}`);
        // With color too, nothing is wider than the screen.
        const colored = renderTrainForm(at, { width, color: "truecolor", height });
        for (const line of colored) assert.ok(visibleWidth(line) <= width, `${where}: ${line}`);
      }
    }
  }
});

Deno.test("train form: when the fields do not fit they scroll, and the button row says how many are hidden", () => {
  const form = createTrainForm({ modelPath: "m", existing: existing(), trainCount: 60000 });
  // Room for everything: every field, with blank separators.
  const all = renderTrainForm(form, { width: 80, color: "none" });
  // the model file's line and two lines on what Resume will do
  assert.equal(all.length, 3 + 1 + form.fields.length + 1 + 2);
  assert.match(all.join("\n"), /Seed +1\n\n.*Start training \]$/m);
  // 40x12: the first fields, then the Start button saying what is below.
  const top = renderTrainForm(form, { width: 40, color: "none", height: 8 });
  assert.equal(top.length, 8);
  assert.match(top[0], /^m exists: 784-32-10 tanh, 1 epoch, test…$/);
  assert.ok(top.some((line) => /^▸ Model file/.test(line)), top.join("\n"));
  assert.match(top.at(-2)!, /^ +\[ Start training \] +↓ \d+ more$/);
  // Down to Seed, the last field: the fields scroll, those above are counted.
  const moved = focusOn(form, "seed");
  const bottom = renderTrainForm(moved, { width: 40, color: "none", height: 8 });
  assert.match(bottom.at(-3)!, /^▸ Seed +1/);
  assert.match(bottom.at(-2)!, /\[ Start training \] +↑ \d+ more$/);
  // In the middle, fields on both sides are out of view.
  const middle = renderTrainForm(focusOn(form, "lr"), { width: 40, color: "none", height: 8 });
  assert.match(middle.join("\n"), /▸ Learning rate/);
  assert.match(middle.at(-2)!, /↑ \d+ ↓ \d+ more$/);
});

Deno.test("train form: typing replaces a value, bad values are refused with the reason", () => {
  let form = focusOn(createTrainForm({ modelPath: "m", trainCount: 100 }), "epochs");
  form = keys(form, "0").form;
  assert.match(text(form), /Epochs +0▏ +✗ expected a whole number from 1 to 10,000, got "0"/);
  assert.equal(trainRequestOf(form), undefined);
  const refused = keys(form, `${DOWN}${DOWN}\r`); // Enter jumps back to the bad field
  assert.equal(refused.action, undefined);
  assert.equal(refused.form.fields[refused.form.focus].name, "epochs");
  form = keys(refused.form, `${BACKSPACE}12`).form;
  assert.equal(trainRequestOf(form)?.epochs, 12);
  form = keys(focusOn(form, "limit"), "500").form;
  assert.equal(trainRequestOf(form)?.limit, 500);
  form = keys(form, `${BACKSPACE}${BACKSPACE}${BACKSPACE}all`).form;
  assert.equal(trainRequestOf(form)?.limit, undefined); // all: the default
  form = keys(form, `${BACKSPACE}${BACKSPACE}${BACKSPACE}`).form;
  assert.match(text(form), /Training digits +▏ +✗ expected all or a whole number/);
});

Deno.test("train form: the cursor moves in a text field (←/→, Home/End) like in Classify", () => {
  let form = keys(focusOn(createTrainForm({ modelPath: "m", trainCount: 100 }), "hidden"), "12")
    .form;
  form = keys(form, `${LEFT}8`).form; // 1|2 -> 182
  assert.deepEqual(trainRequestOf(form)?.hidden, [182]);
  form = keys(form, `${HOME}6,${END},4`).form;
  assert.deepEqual(trainRequestOf(form)?.hidden, [6, 182, 4]);
  form = keys(form, `${HOME}${RIGHT}\x1b[3~`).form; // Delete after the cursor: "6,182,4" -> "6182,4"
  assert.equal(trainRequestOf(form), undefined);
  assert.match(text(form), /Hidden layers +6▏182,4 +✗ expected up to 8 comma-separated/);
});

Deno.test("train form: left/right cycle choices; a new optimizer shows its learning rate", () => {
  let form =
    keys(focusOn(createTrainForm({ modelPath: "m", trainCount: 100 }), "activation"), RIGHT)
      .form;
  assert.equal(trainRequestOf(form)?.activation, "sigmoid");
  form = keys(focusOn(form, "optimizer"), LEFT).form; // adam -> momentum
  assert.match(text(form), /Learning rate +0\.05\n/);
  assert.deepEqual(trainRequestOf(form), {
    modelPath: "m",
    fresh: true,
    activation: "sigmoid",
    optimizer: "momentum",
  });
  form = keys(form, LEFT).form; // -> sgd
  assert.match(text(form), /Learning rate +0\.1\n/);
  // A learning rate the user typed stays when the optimizer changes, and is sent.
  form = keys(keys(form, UP).form, "0.5").form;
  form = keys(form, `${DOWN}${RIGHT}${RIGHT}`).form; // sgd -> momentum -> adam
  assert.match(text(form), /Learning rate +0\.5\n/);
  assert.equal(trainRequestOf(form)?.lr, 0.5);
  assert.equal(trainRequestOf(form)?.optimizer, undefined); // adam: the default
});

Deno.test("train form: the tuning fields (weight decay, schedule, warm-up, seed) are sent", () => {
  let form = createTrainForm({ modelPath: "m", trainCount: 100 });
  form = keys(focusOn(form, "weightDecay"), "1e-4").form;
  form = keys(form, `${DOWN}${LEFT}`).form; // schedule: cosine -> constant
  form = keys(form, `${DOWN}0`).form;
  form = keys(focusOn(form, "seed"), "42").form;
  form = keys(focusOn(form, "augment"), " ").form;
  assert.deepEqual(trainRequestOf(form), {
    modelPath: "m",
    fresh: true,
    weightDecay: 1e-4,
    schedule: "constant",
    warmup: 0,
    seed: 42,
    augment: true,
  });
});

Deno.test("train form: an existing model shows its values and is resumed with the changes", () => {
  const plan = {
    startEpoch: 0,
    epochs: 3,
    batchSize: 32,
    optimizer: { ...defaultOptimizerSettings("sgd"), learningRate: 0.02 },
    schedule: "step" as const,
    warmupEpochs: 0,
    seed: 7,
    limit: 3000,
    augment: true,
  };
  let form = createTrainForm({ modelPath: "m", existing: existing({ plan }), trainCount: 100 });
  const screen = text(form);
  assert.match(screen, /m exists: 784-32-10 tanh, 1 epoch, test accuracy 90\.00%/);
  assert.match(screen, /Resume continues the interrupted plan/);
  assert.match(screen, /Hidden layers +32 +\(from the model file\)/);
  assert.match(screen, /Batch size +32\n/);
  assert.match(screen, /Learning rate +0\.02\n/);
  assert.match(screen, /Optimizer +\[sgd\]/);
  assert.match(screen, /Augment +off +\[on\]/);
  assert.match(screen, /Schedule +constant +cosine +\[step\]/);
  assert.match(screen, /Seed +7\n/);
  assert.deepEqual(trainRequestOf(form), { modelPath: "m", fresh: false });
  form = keys(form, `${DOWN}7`).form; // skips the locked architecture to Epochs
  assert.deepEqual(trainRequestOf(form), { modelPath: "m", fresh: false, epochs: 7 });
  // a new plan: what it will do, its rate starting over, beside the last plan's
  assert.match(
    text(form),
    /Resume trains epochs 2-8 at learning rate 0\.02 \(step schedule from its/,
  );
  assert.match(text(form), /the\s+last plan ran 3 epochs at 0\.02/);
  // Switching the optimizer shows (and trains with) its own default rate; switching back, the saved.
  form = keys(focusOn(form, "optimizer"), RIGHT).form;
  assert.match(text(form), /Learning rate +0\.05\n/);
  form = keys(form, LEFT).form;
  assert.match(text(form), /Learning rate +0\.02\n/);
  assert.deepEqual(trainRequestOf(form), { modelPath: "m", fresh: false, epochs: 7 });
  // Start fresh: the defaults of a new network (the optimizer chosen stays, with its rate).
  form = keys(focusOn(form, "mode"), RIGHT).form;
  assert.match(text(form), /a new network will REPLACE m/);
  assert.match(text(form), /Hidden layers +256\n/);
  assert.match(text(form), /Batch size +64\n/);
  assert.match(text(form), /Learning rate +0\.1\n/);
  const fresh = { modelPath: "m", fresh: true, epochs: 7, optimizer: "sgd" };
  assert.deepEqual(trainRequestOf(form), fresh);
  form = keys(form, `${DOWN}64`).form;
  assert.deepEqual(trainRequestOf(form)?.hidden, [64]);
});

Deno.test("train form: Esc and Ctrl-C cancel; q too, unless it is typed into a text field", () => {
  const form = createTrainForm({ modelPath: "m", trainCount: 100 });
  assert.equal(keys(form, "\x03").action, "cancel");
  assert.equal(keys(form, "\x1b").action, "cancel");
  const typed = keys(form, "q"); // the Hidden layers field: q is text (and refused)
  assert.equal(typed.action, undefined);
  assert.match(text(typed.form), /Hidden layers +q▏ +✗/);
  assert.equal(keys(focusOn(form, "activation"), "q").action, "cancel");
});

Deno.test("train form: resuming a CNN locks its layers; Hidden layers does not claim it is dense", () => {
  let form = createTrainForm({ modelPath: "m", existing: savedCnn(), trainCount: 100 });
  const screen = text(form);
  assert.match(screen, /m exists: cnn: conv5x32,pool,conv5x64,pool,dense128,dropout0\.5 relu/);
  assert.match(screen, /Hidden layers +— +\(a layer list: see Layers\)/);
  assert.match(screen, /Activation +\[relu\] +sigmoid +tanh +\(from the model file\)/);
  assert.match(
    screen,
    /Layers +conv5x32,pool,conv5x64,pool,dense128,dropout0\.5 +\(from the model file\)/,
  );
  assert.deepEqual(trainRequestOf(form), { modelPath: "m", fresh: false });
  form = keys(form, DOWN).form; // past the three locked fields
  assert.equal(form.fields[form.focus].name, "epochs");
  // At 80 columns the long layer list gives way to the preset's name.
  const narrow = renderTrainForm(form, { width: 80, color: "none" });
  assert.match(narrow[0], /^m exists: cnn relu, 1 epoch, test accuracy 90\.00%$/);
  // Start fresh: a new network, dense by default, or any layer list.
  form = keys(focusOn(form, "mode"), RIGHT).form;
  assert.match(text(form), /Hidden layers +256\n/);
  assert.match(text(form), /Layers +none: a dense network of Hidden layers\n/);
  form = keys(focusOn(form, "layers"), "lenet5").form;
  assert.deepEqual(trainRequestOf(form), { modelPath: "m", fresh: true, layers: "lenet5" });
});

Deno.test("train form: a layer list typed in Layers is the network; Hidden layers is then not used", () => {
  let form = createTrainForm({ modelPath: "m", trainCount: 100 });
  form = keys(form, "64").form; // Hidden layers, the first field
  form = keys(focusOn(form, "layers"), "conv3x8, pool,dense32").form;
  assert.match(text(form), /Hidden layers +64 +\(not used: Layers gives the network\)/);
  assert.deepEqual(trainRequestOf(form), {
    modelPath: "m",
    fresh: true,
    layers: "conv3x8,pool,dense32",
  });
  // A bad spec is refused with the position of the bad item, like --layers.
  form = keys(form, ",pol").form;
  assert.match(text(form), /Layers +.*✗ layer spec "conv3x8, pool,dense32,pol": at 23: ex/);
  assert.equal(trainRequestOf(form), undefined);
  // Too long for its row at 80 columns: the whole reason takes the help's place.
  const lines = renderTrainForm(form, { width: 80, color: "none", height: 20 });
  assert.ok(lines.length <= 20);
  assert.equal(
    lines.slice(-2).join(" "),
    `✗ layer spec "conv3x8, pool,dense32,pol": at 23: expected conv<k>x<channels>[v], pool, ` +
      `flatten, dense<units>, dropout<rate>, bn or standardize, got "pol"`,
  );
  assert.ok(focusedRow(form, lines)?.includes("Layers"));
  // Emptied: the dense network of Hidden layers again.
  form = keys(form, "\x15").form; // Ctrl-U: delete to the start
  assert.deepEqual(trainRequestOf(form), { modelPath: "m", fresh: true, hidden: [64] });
});

Deno.test("train form: Home and End go to the first field and to Start from a choice; Distortion says it is not used while Augment is off", () => {
  let form = createTrainForm({ modelPath: "m", trainCount: 60000 });
  const at = (name: string) => form.fields.findIndex((f) => f.name === name);
  form = { ...form, focus: at("optimizer") };
  const [home, end] = new KeyParser().feed("\x1b[H\x1b[F");
  assert.equal(home.type === "key" && home.key, "home");
  form = trainFormKey(form, home).form;
  assert.equal(form.focus, 0);
  form = { ...form, focus: at("optimizer") };
  form = trainFormKey(form, end).form;
  assert.equal(form.focus, form.fields.length, "the Start button");
  const distortion = (f: typeof form) =>
    renderTrainForm(f, { width: 100, color: "none" }).find((line) => line.includes("Distortion"))!;
  assert.match(distortion(form), /not used: Augment is off/);
  const augmented = {
    ...form,
    fields: form.fields.map((f) => (f.name === "augment" ? { ...f, value: "on" } : f)),
  };
  assert.doesNotMatch(distortion(augmented), /not used/);
});

Deno.test("train form: f fills in the fast CNN recipe (examples/speedrun.json), which trains as asked", () => {
  const form = createTrainForm({ modelPath: "m", trainCount: 60000 });
  const fast = keys(focusOn(form, "optimizer"), "f").form; // where no text is being typed
  assert.match(fast.configNote?.text ?? "", /^fast CNN \(examples\/speedrun.json\): set Layers/);
  const request = trainRequestOf(fast)!;
  assert.equal(request.layers, "conv5x24v,pool,conv3x32v,pool,dense256");
  assert.equal(request.schedule, "onecycle");
  assert.equal(request.beta1, 0.7);
  // In a text field, f is typed.
  const typed = keys(focusOn(form, "layers"), "f").form;
  assert.equal(typed.fields.find((f) => f.name === "layers")?.value, "f");
});
