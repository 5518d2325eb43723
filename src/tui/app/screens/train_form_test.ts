import assert from "node:assert/strict";
import type { NetworkModelInfo } from "../../../train/checkpoint.ts";
import { defaultOptimizerSettings } from "../../../network/mod.ts";
import { KeyParser } from "../../terminal/keys.ts";
import {
  createTrainForm,
  renderTrainForm,
  type TrainForm,
  trainFormKey,
  trainRequestOf,
} from "./train_form.ts";

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
const text = (form: TrainForm) => renderTrainForm(form, { width: 100, color: "none" }).join("\n");

Deno.test("train form: defaults make a fresh request with every value", () => {
  const form = createTrainForm({ modelPath: "m.safetensors", trainCount: 60000 });
  assert.match(text(form), /Hidden layers +256/);
  assert.match(text(form), /Training digits +all \(60,000\)/);
  const { action } = keys(form, "\r");
  assert.equal(action, "start");
  assert.deepEqual(trainRequestOf(form), {
    modelPath: "m.safetensors",
    fresh: true,
    hidden: [256],
    activation: "relu",
    epochs: 5,
    batch: 64,
    lr: 0.003,
    optimizer: "adam",
    augment: false,
  });
});

Deno.test("train form: typing replaces a value, bad values are refused with the reason", () => {
  let { form } = keys(createTrainForm({ modelPath: "m", trainCount: 100 }), `${DOWN}${DOWN}0`);
  assert.match(text(form), /Epochs +0_ +✗ expected a whole number from 1 to 10,000, got "0"/);
  assert.equal(trainRequestOf(form), undefined);
  const refused = keys(form, `${DOWN}${DOWN}\r`); // Enter jumps back to the bad field
  assert.equal(refused.action, undefined);
  assert.equal(refused.form.focus, 2);
  form = keys(refused.form, "\x7f12").form;
  assert.equal(trainRequestOf(form)?.epochs, 12);
  form = keys(form, `${DOWN}${DOWN}${DOWN}${DOWN}${DOWN}500`).form; // limit
  assert.equal(trainRequestOf(form)?.limit, 500);
});

Deno.test("train form: left/right cycle choices; a new optimizer brings its learning rate", () => {
  let { form } = keys(createTrainForm({ modelPath: "m", trainCount: 100 }), `${DOWN}\x1b[C`);
  assert.equal(trainRequestOf(form)?.activation, "sigmoid");
  form = keys(form, `${DOWN}${DOWN}${DOWN}${DOWN}\x1b[D`).form; // optimizer: adam -> momentum
  assert.equal(trainRequestOf(form)?.optimizer, "momentum");
  assert.equal(trainRequestOf(form)?.lr, defaultOptimizerSettings("momentum").learningRate);
});

Deno.test("train form: an existing model is resumed with only the edited values", () => {
  const existing = {
    layerSizes: [784, 32, 10],
    activation: "tanh",
    optimizer: defaultOptimizerSettings("adam"),
    testAccuracy: 0.9,
    position: { epochsDone: 3, stepInEpoch: 0 },
    plan: null,
  } as unknown as NetworkModelInfo;
  let form = createTrainForm({ modelPath: "m", existing, trainCount: 100 });
  assert.match(text(form), /m exists: 784-32-10 tanh, 3 epochs, test accuracy 90\.00%/);
  assert.match(text(form), /Hidden layers +32 +\(from the model file\)/);
  assert.deepEqual(trainRequestOf(form), { modelPath: "m", fresh: false });
  form = keys(form, `${DOWN}7`).form; // skips the locked architecture to Epochs
  assert.deepEqual(trainRequestOf(form), { modelPath: "m", fresh: false, epochs: 7 });
  form = keys(form, "\x1b[A\x1b[C").form; // back to the mode: Start fresh
  assert.match(text(form), /a new network will REPLACE m/);
  assert.equal(trainRequestOf(form)?.fresh, true);
  assert.deepEqual(trainRequestOf(form)?.hidden, [32]);
});

Deno.test("train form: Esc and Ctrl-C cancel", () => {
  const form = createTrainForm({ modelPath: "m", trainCount: 100 });
  assert.equal(keys(form, "\x03").action, "cancel");
  assert.equal(keys(form, "\x1b").action, "cancel");
});
