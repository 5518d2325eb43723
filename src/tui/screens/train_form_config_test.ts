import assert from "node:assert/strict";
import type { NetworkModelInfo } from "../../train/checkpoint.ts";
import { defaultOptimizerSettings, denseLayers } from "../../network/mod.ts";
import { readTrainConfig } from "../../train/train_config.ts";
import { KeyParser } from "../terminal/keys.ts";
import {
  applyTrainConfig,
  configStatus,
  createTrainForm,
  type TrainForm,
  trainFormKey,
  trainRequestOf,
} from "./train_form.ts";

const EXAMPLES = new URL("../../../examples/", import.meta.url).pathname;

/** Feeds `text` to the form as the terminal would send it; the last action and its path. */
const keys = (form: TrainForm, text: string) => {
  const parser = new KeyParser();
  let result: { action?: string; configPath?: string } = {};
  for (const event of [...parser.feed(text), ...parser.flush()]) {
    const step = trainFormKey(form, event);
    form = step.form;
    if (step.action) result = step;
  }
  return { form, ...result };
};
const DOWN = "\x1b[B";
const CTRL_O = "\x0f";
const field = (form: TrainForm, name: string) => form.fields.find((f) => f.name === name)!;

Deno.test("train form: l (where no text is typed) or Ctrl-O asks for a config file", () => {
  const form = createTrainForm({ modelPath: "m", trainCount: 60000 });
  // The first field, Hidden layers, takes text: l is a letter there.
  const typed = keys(form, "l");
  assert.equal(typed.form.configPrompt, undefined);
  assert.equal(field(typed.form, "hidden").value, "l");
  // Activation is a choice: l opens the prompt; Enter with a path asks the screen to load it.
  const onChoice = keys(form, `${DOWN}l`);
  assert.ok(onChoice.form.configPrompt);
  const loaded = keys(onChoice.form, "examples/quick.json\r");
  assert.equal(loaded.action, "load-config");
  assert.equal(loaded.configPath, "examples/quick.json");
  assert.equal(loaded.form.configPrompt, undefined);
  // Ctrl-O works from a text field too; Esc closes the prompt and changes nothing.
  const fromText = keys(form, `${CTRL_O}run.json`);
  assert.match(configStatus(fromText.form, "none")!.text, /config file.*run\.json/);
  const closed = keys(fromText.form, "\x1b");
  assert.equal(closed.action, undefined, "Esc on the prompt does not leave the screen");
  assert.equal(closed.form.configPrompt, undefined);
  assert.deepEqual(trainRequestOf(closed.form), { modelPath: "m", fresh: true });
});

Deno.test("train form: a loaded config asks for what train --config would", async () => {
  const form = createTrainForm({ modelPath: "m", trainCount: 60000 });
  const values = await readTrainConfig(`${EXAMPLES}mlp-augmented.json`);
  const loaded = applyTrainConfig(form, values, "mlp-augmented.json");
  assert.match(field(loaded, "epochs").value, /^20$/);
  assert.equal(field(loaded, "augment").value, "on");
  // The file's values that are the defaults anyway are not sent, as the flags would not be.
  assert.deepEqual(trainRequestOf(loaded), {
    modelPath: "m",
    fresh: true,
    epochs: 20,
    augment: true,
  });
  const cnn = applyTrainConfig(form, await readTrainConfig(`${EXAMPLES}cnn.json`), "cnn.json");
  assert.deepEqual(trainRequestOf(cnn), {
    modelPath: "m",
    fresh: true,
    layers: "cnn",
    epochs: 15,
    lr: 0.001,
    augment: true,
  });
  assert.equal(configStatus(cnn, "none")?.error, false);
});

Deno.test("train form: a config keeps a resumed model's architecture and says so", () => {
  const existing = {
    layerSizes: [784, 32, 10],
    activation: "tanh",
    inputShape: [784],
    layers: denseLayers([784, 32, 10], "tanh"),
    optimizer: { ...defaultOptimizerSettings("sgd"), learningRate: 0.02 },
    testAccuracy: 0.9,
    position: { epochsDone: 1, stepInEpoch: 0 },
    plan: null,
  } as unknown as NetworkModelInfo;
  const form = createTrainForm({ modelPath: "m", existing, trainCount: 60000 });
  const loaded = applyTrainConfig(form, { hidden: [64], epochs: 2 }, "quick.json");
  assert.equal(field(loaded, "hidden").value, "32", "the saved network's widths stay");
  assert.equal(
    loaded.configNote?.text,
    "quick.json: set Epochs; kept Hidden layers from the model file",
  );
  assert.deepEqual(trainRequestOf(loaded), { modelPath: "m", fresh: false, epochs: 2 });
});
