/**
 * The three users of the training options agree: the menu's Train form, the `train` flags and
 * the training session. A value the form shows is the value trained with (every optimizer
 * switch, fresh and resumed, on real model files), and the flags and the form accept and refuse
 * exactly the same typed values. Lives in tests/ because it drives both front ends.
 *
 * The same options come from configuration files too: `train --config` (src/train/options_test.ts
 * reads them) and, here, the Train form and screen loading one (`l` or Ctrl-O, a path, Enter), the
 * file read as background work, its values in the fields or its refusal in the status line.
 */
import assert from "node:assert/strict";
import { buildProgram, trainFlagsOf } from "../src/cli/program.ts";
import { trainRequest } from "../src/cli/commands/train.ts";
import type { CommandIo } from "../src/cli/io.ts";
import { type OptimizerKind, OPTIMIZERS } from "../src/network/mod.ts";
import type { MnistData } from "../src/data/dataset.ts";
import { defaultOptimizerSettings, denseLayers } from "../src/network/mod.ts";
import { loadNetworkModel, type NetworkModelInfo } from "../src/train/checkpoint.ts";
import { loose, TRAIN_OPTIONS, trainOption, type TrainValueName } from "../src/train/options.ts";
import { resolveTrainValues } from "../src/train/train_values.ts";
import { readTrainConfig } from "../src/train/train_config.ts";
import {
  prepareTrainingSession,
  runTrainingSession,
  type TrainRequest,
} from "../src/train/session.ts";
import { syntheticMnist } from "../src/train/test_data.ts";
import { KeyParser } from "../src/tui/terminal/keys.ts";
import { inTempDir, PROJECT_ROOT } from "./env.ts";
import {
  applyTrainConfig,
  configStatus,
  createTrainForm,
  fieldError,
  type FieldName,
  type TrainForm,
  trainFormKey,
  trainRequestOf,
} from "../src/tui/screens/train_form.ts";
import type { Message, Step, Work } from "../src/tui/screen_loop.ts";
import { simulate } from "../src/tui/screen_loop_testing.ts";
import { type TrainMessage, trainScreen, type TrainState } from "../src/tui/screens/train.ts";
import { renderTrainForm } from "../src/tui/screens/train_form_view.ts";

const data = syntheticMnist(200, 50);

const keys = (form: TrainForm, text: string): TrainForm => {
  const parser = new KeyParser();
  for (const event of [...parser.feed(text), ...parser.flush()]) {
    form = trainFormKey(form, event).form;
  }
  return form;
};
const DOWN = "\x1b[B";
const RIGHT = "\x1b[C";
const BACKSPACE = "\x7f";

function focusOn(form: TrainForm, name: FieldName): TrainForm {
  for (let i = 0; i <= form.fields.length; i++) {
    if (form.fields[form.focus]?.name === name) return form;
    form = keys(form, DOWN);
  }
  throw new Error(`${name} cannot get the focus`);
}

/** Presses → on the optimizer field until it shows `kind`, at least `atLeast` times. */
function chooseOptimizer(form: TrainForm, kind: OptimizerKind, atLeast = 0): TrainForm {
  form = focusOn(form, "optimizer");
  for (let presses = 0; presses < 10; presses++) {
    const shown = form.fields[form.focus].value;
    if (presses >= atLeast && shown === kind) return form;
    form = keys(form, RIGHT);
  }
  throw new Error(`optimizer ${kind} not reached`);
}

/** The learning rate as the form shows it on screen. */
function shownLearningRate(form: TrainForm): number {
  const screen = renderTrainForm(form, { width: 100, color: "none" }).join("\n");
  const match = screen.match(/Learning rate +([^\s▏]+)/);
  assert.ok(match, screen);
  return Number(match[1]);
}

/** What `train ARGS` asks the session for, parsed by the real program (nothing is trained). */
async function cliRequest(args: string[]): Promise<TrainRequest | { refused: string[] }> {
  const lines: string[] = [];
  const io: CommandIo = {
    write: (text) => lines.push(text),
    warn: (line) => lines.push(line),
    isTerminal: false,
    color: "none",
    columns: 80,
  };
  const program = buildProgram(io, { status: 0 });
  let opts: Record<string, unknown> | undefined;
  const parsed = new Error("parsed");
  program.hook("preAction", (_program, command) => {
    opts = command.opts();
    throw parsed; // stop before the action: only the parsing is under test here
  });
  try {
    await program.parseAsync(["train", ...args], { from: "user" });
  } catch (error) {
    if (error !== parsed) return { refused: lines };
  }
  assert.ok(opts, `train ${args.join(" ")} ran no action`);
  return trainRequest(trainFlagsOf(opts));
}

/** Saves into `work` a small model trained one epoch with `optimizer` at half its default rate. */
async function savedModel(work: string, optimizer: OptimizerKind): Promise<string> {
  const modelPath = `${work}/${optimizer}.safetensors`;
  const lr = resolveTrainValues({ optimizer }).lr / 2;
  const request = { modelPath, hidden: [8], optimizer, lr, epochs: 1, batch: 20 };
  const session = await prepareTrainingSession(request, data);
  const outcome = await runTrainingSession(session, data, { shouldStop: () => false });
  assert.equal(outcome.status, "completed");
  return modelPath;
}

Deno.test(
  "the learning rate the form shows is the one trained with, for every optimizer switch",
  inTempDir("digits-options-", async (work) => {
    const checked: string[] = [];
    for (const savedKind of [undefined, ...OPTIMIZERS]) {
      const modelPath = savedKind ? await savedModel(work, savedKind) : `${work}/none.safetensors`;
      const existing = savedKind
        ? (await loadNetworkModel(modelPath, { maxBatch: 1 })).info
        : undefined;
      for (const mode of existing ? ["resume", "fresh"] : ["fresh"]) {
        for (const kind of OPTIMIZERS) {
          // Also through every other optimizer and back: the form must still show the right rate.
          for (const atLeast of [0, OPTIMIZERS.length]) {
            let form = createTrainForm({ modelPath, existing, trainCount: data.train.count });
            if (mode === "fresh" && existing) form = keys(focusOn(form, "mode"), RIGHT);
            form = chooseOptimizer(form, kind, atLeast);
            const shown = shownLearningRate(form);
            const request = trainRequestOf(form);
            assert.ok(request);
            const session = await prepareTrainingSession(request, data);
            const what = `saved ${savedKind ?? "none"}, ${mode}, -> ${kind} (${atLeast} presses)`;
            assert.equal(session.plan.optimizer.kind, kind, what);
            assert.equal(session.plan.optimizer.learningRate, shown, what);
            assert.equal(session.model.info.optimizer.learningRate, shown, what); // as saved
            checked.push(`${what}: ${shown}`);
          }
          // The flags that say the same train with the same rate.
          const args = [
            "--model",
            modelPath,
            "--optimizer",
            kind,
            ...(mode === "fresh" ? ["--fresh"] : []),
          ];
          const request = await cliRequest(args);
          assert.ok(!("refused" in request), args.join(" "));
          const session = await prepareTrainingSession(request, data);
          const form = chooseOptimizer(
            mode === "fresh" && existing
              ? keys(
                focusOn(createTrainForm({ modelPath, existing, trainCount: 200 }), "mode"),
                RIGHT,
              )
              : createTrainForm({ modelPath, existing, trainCount: 200 }),
            kind,
          );
          assert.equal(
            session.plan.optimizer.learningRate,
            shownLearningRate(form),
            args.join(" "),
          );
        }
      }
    }
    // The saved rate (half the default) is shown and kept while the optimizer stays.
    assert.ok(checked.includes("saved sgd, resume, -> sgd (0 presses): 0.05"), checked.join("\n"));
    assert.ok(checked.includes("saved sgd, resume, -> adam (0 presses): 0.003"));
    assert.ok(checked.includes("saved adam, resume, -> adam (3 presses): 0.0015"));
    assert.ok(checked.includes("saved adam, fresh, -> momentum (0 presses): 0.05"));
  }),
);

/** Typed values for each text option: valid, boundaries, out of range, malformed, empty. */
const TYPED: Partial<Record<TrainValueName, string[]>> = {
  hidden: ["128", "128,64", " 32 , 16 ", "none", "", "1", "4096", "4097", "0", "-5", "1.5"]
    .concat(["1,2,3,4,5,6,7,8", "1,2,3,4,5,6,7,8,9", "12a", ",", "128,,64"]),
  epochs: ["1", "10000", "10001", "0", "-1", "5.5", "five", "", " 7 ", "+3", "1e3", "07"],
  batch: ["1", "4096", "4097", "0", "64", "abc", "", "3.0", "2 5"],
  lr: ["0.003", "1e-9", "1e-10", "100", "100.1", "0", "-0.1", "1e-3", ".5", "5.", "abc", ""]
    .concat(["Infinity", "NaN", "0x10", "1E2", "+0.5"]),
  weightDecay: ["0", "1", "1.0001", "-0", "1e-4", "-1e-4", "", "x"],
  warmup: ["0", "1000", "1000.5", "0.1", "-1", "", "1/2"],
  seed: ["0", "4294967295", "4294967296", "-1", "42", "", "1.5"],
  beta1: ["0", "0.7", "0.9999", "1", "-0.1", "", "x"],
  beta2: ["0", "0.9", "0.99999", "1", "", "x"],
  cycleStart: ["0", "0.04", "1", "1.5", "-1", ""],
  cycleEnd: ["0", "4e-6", "1", "2", ""],
  evalEvery: ["0", "50", "1000000", "1000001", "-1", "1.5", ""],
  stopAt: ["off", "0.99", "0", "1", "1.01", "99", "", "OFF"],
  threads: ["auto", " auto ", "1", "2", "3", "0", "AUTO", "", "1.5"],
  negatives: ["all", "none", "icons,letters", "shapes", " all ", "", "ALL", "icons,cats"]
    .concat(["icons,,letters", "none,icons"]),
  negativeRatio: ["0.01", "4", "4.1", "0", "0.5", "", "x", "-1"],
  negativeWeight: ["0.001", "10", "10.5", "0", "0.5", "", "x"],
  holdout: ["auto", "0", "30000", "30001", "-1", "AUTO", "", "1.5", " auto "],
  fontDigits: ["0", "6000", "60000", "60001", "-1", "1.5", "", "all", " 12 "],
  limit: ["all", " all ", "1", "10000000", "10000001", "0", "ALL", "", "3000", "al"],
  layers: ["cnn", " lenet5 ", "mlp", "", "conv5x8,pool,dense32", "conv5x8, pool , dense32"]
    .concat(["conv4x8", "conv4x8v", "conv5x8,pol", "pool,pool,pool,pool,pool", "dense0", "CNN"])
    .concat(["dropout1", "dropout0.5", ",", "conv5x2000", "dense32,conv3x4"]),
};
/** Words to offer the choice options: the choices, wrong case, near misses, empty. */
const WORDS = ["relu", "sigmoid", "tanh", "ReLU", "softmax", "sgd", "momentum", "adam", "Adam"]
  .concat(["constant", "cosine", "step", "linear", "", "on", "off"]);

Deno.test("the flags and the form accept and refuse exactly the same values", async () => {
  for (const spec of TRAIN_OPTIONS) {
    const flag = spec.flag.split(" ")[0];
    if (spec.choices) {
      // The form offers its choices by ←/→; the flag must take exactly those words.
      let form = focusOn(createTrainForm({ modelPath: "m", trainCount: 200 }), spec.name);
      const offered = new Set<string>();
      for (let i = 0; i < 10; i++, form = keys(form, RIGHT)) {
        offered.add(form.fields[form.focus].value);
        const formValue = resolveTrainValues(trainRequestOf(form)!)[spec.name];
        if (spec.negation) {
          const cliFlag = form.fields[form.focus].value === "on" ? flag : spec.negation.flag;
          const request = await cliRequest([cliFlag]);
          assert.ok(!("refused" in request));
          assert.equal(resolveTrainValues(request)[spec.name], formValue, cliFlag);
        }
      }
      assert.deepEqual([...offered].sort(), [...spec.choices].sort(), spec.name);
      if (spec.negation) continue;
      for (const word of WORDS) {
        const request = await cliRequest([`${flag}=${word}`]);
        assert.equal(!("refused" in request), offered.has(word), `${flag}=${word}`);
        if ("refused" in request) {
          assert.equal(request.refused.length, 1, request.refused.join("\n"));
          assert.match(request.refused[0], /expected one of/);
        } else {
          assert.equal(resolveTrainValues(request)[spec.name], word);
        }
      }
      continue;
    }
    const typed = TYPED[spec.name];
    assert.ok(typed, `no typed values for ${spec.name}`);
    let accepted = 0;
    for (const text of typed) {
      let form = focusOn(createTrainForm({ modelPath: "m", trainCount: 200 }), spec.name);
      form = keys(form, BACKSPACE + text);
      const field = form.fields[form.focus];
      assert.equal(field.value, text);
      const formError = fieldError(field);
      const cli = await cliRequest([`${flag}=${text}`]);
      const what = `${spec.name} "${text}": form ${formError ?? "accepts"}, flag ${
        "refused" in cli ? cli.refused.join(" ") : "accepts"
      }`;
      assert.equal(formError === undefined, !("refused" in cli), what);
      if ("refused" in cli) {
        // One line, with the same reason the form gives.
        assert.equal(cli.refused.length, 1, what);
        assert.ok(cli.refused[0].includes(formError!), what);
      } else {
        accepted++;
        const fromForm = resolveTrainValues(trainRequestOf(form)!)[spec.name];
        assert.deepEqual(resolveTrainValues(cli)[spec.name], fromForm, what);
        assert.deepEqual(fromForm, loose(spec).parse(text), what);
      }
    }
    assert.ok(accepted > 0 && accepted < typed.length, `${spec.name}: both kinds of values`);
  }
});

Deno.test("every training option is a flag of train and a field of the form", () => {
  const form = createTrainForm({ modelPath: "m", trainCount: 200 });
  const program = buildProgram({} as CommandIo, { status: 0 });
  const train = program.commands.find((command) => command.name() === "train")!;
  const flags = train.options.map((option) => option.long);
  for (const spec of TRAIN_OPTIONS) {
    assert.ok(flags.includes(spec.flag.split(" ")[0]), spec.flag);
    if (spec.negation) assert.ok(flags.includes(spec.negation.flag), spec.negation.flag);
    const field = form.fields.find((f) => f.name === spec.name);
    assert.equal(field?.label, spec.label);
    assert.equal(field?.help, spec.help);
  }
  assert.equal(trainOption("lr").perOptimizer?.adam, 0.003);
});

// ---------------------------------------------------------------------------------------------
// Configuration files in the Train form and on the Train screen

const EXAMPLES = `${PROJECT_ROOT}/examples/`;

/** Feeds `text` to the form as the terminal would send it; the last action and its path. */
const keysWithAction = (form: TrainForm, text: string) => {
  const parser = new KeyParser();
  let result: { action?: string; configPath?: string } = {};
  for (const event of [...parser.feed(text), ...parser.flush()]) {
    const step = trainFormKey(form, event);
    form = step.form;
    if (step.action) result = step;
  }
  return { form, ...result };
};
const CTRL_O = "\x0f";
const field = (form: TrainForm, name: string) => form.fields.find((f) => f.name === name)!;

Deno.test("train form: l (where no text is typed) or Ctrl-O asks for a config file", () => {
  const form = createTrainForm({ modelPath: "m", trainCount: 60000 });
  // The first field, Hidden layers, takes text: l is a letter there.
  const typed = keysWithAction(form, "l");
  assert.equal(typed.form.configPrompt, undefined);
  assert.equal(field(typed.form, "hidden").value, "l");
  // Activation is a choice: l opens the prompt; Enter with a path asks the screen to load it.
  const onChoice = keysWithAction(form, `${DOWN}l`);
  assert.ok(onChoice.form.configPrompt);
  const loaded = keysWithAction(onChoice.form, "examples/quick.json\r");
  assert.equal(loaded.action, "load-config");
  assert.equal(loaded.configPath, "examples/quick.json");
  assert.equal(loaded.form.configPrompt, undefined);
  // Ctrl-O works from a text field too; Esc closes the prompt and changes nothing.
  const fromText = keysWithAction(form, `${CTRL_O}run.json`);
  assert.match(configStatus(fromText.form, "none")!.text, /config file.*run\.json/);
  const closed = keysWithAction(fromText.form, "\x1b");
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

const blank = (count: number) => ({
  pixels: new Uint8Array(count * 784),
  labels: new Uint8Array(count),
  count,
});
const DATA: MnistData = {
  train: blank(100),
  test: blank(10),
  source: "sample",
  description: "blank digits",
};
const screen = trainScreen({
  modelFlag: "m.safetensors",
  model: () => {
    throw new Error("unused");
  },
  reloadModel: () => Promise.reject(new Error("unused")),
  data: () => Promise.resolve(DATA),
});
const work = (message: TrainMessage): Message<TrainMessage> => ({ type: "work", message });
const loaded = work({ type: "loaded", data: DATA });
const configWork = (steps: Step<TrainState, TrainMessage, void>[]) =>
  steps.flatMap((step) => step.work ?? []).find((w) => w.id === "config");

async function runWork(job: Work<TrainMessage>): Promise<TrainMessage[]> {
  const sent: TrainMessage[] = [];
  await job.run((message) => sent.push(message), new AbortController().signal);
  return sent;
}

/** Keys that open the prompt on the Activation field (a choice), type `path` and press Enter. */
const loadKeys = (path: string) => ["down", "l", ...path.split(""), "enter"];

Deno.test("train screen: l, a config file's path and Enter fill the form from the file", async () => {
  const path = `${EXAMPLES}quick.json`;
  const typing = simulate(screen, [loaded, "down", "l", "q"]);
  assert.equal(screen.typing?.(typing.state), true, "q is a letter in the path");
  assert.match(typing.view.status?.text ?? "", /Load a config file .*: q/);

  const asked = simulate(screen, [loaded, ...loadKeys(path)]);
  const job = configWork(asked.steps);
  assert.ok(job, "Enter reads the file in the background");
  const sent = await runWork(job);
  assert.deepEqual(sent.map((m) => m.type), ["config"]);
  const done = simulate(screen, [loaded, ...loadKeys(path), work(sent[0])]);
  const body = done.view.body.join("\n");
  assert.match(body, /Hidden layers +64/);
  assert.match(body, /Epochs +2/);
  assert.match(body, /Batch size +128/);
  assert.match(body, /Training digits +5000/);
  assert.equal(
    done.view.status?.text,
    `${path}: set Hidden layers, Epochs, Batch size, Training digits, Seed`,
  );
  assert.equal(done.state.phase.name, "form", "it waits for Enter to train");
});

Deno.test("train screen: a bad config file is refused in the status line; Esc closes the prompt", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/run.json`;
    await Deno.writeTextFile(path, '{"batch": 0}');
    const asked = simulate(screen, [loaded, ...loadKeys(path)]);
    const [message] = await runWork(configWork(asked.steps)!);
    const refused = simulate(screen, [loaded, ...loadKeys(path), work(message)]);
    assert.equal(refused.view.status?.error, true);
    assert.match(refused.view.status?.text ?? "", /"batch": expected a whole number from 1 to/);
    assert.match(refused.view.body.join("\n"), /Batch size +64/, "the form is unchanged");

    const escaped = simulate(screen, [loaded, "down", "l", "x", "escape"]);
    assert.equal(escaped.exit, undefined, "Esc on the prompt stays on the screen");
    assert.equal(escaped.view.status, undefined);
    assert.equal(simulate(screen, [loaded, "down", "escape"]).exit !== undefined, true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("every example config reads as train --config would", async () => {
  const names: string[] = [];
  for await (const entry of Deno.readDir(EXAMPLES)) {
    if (entry.name.endsWith(".json")) names.push(entry.name);
  }
  assert.ok(names.length >= 5, names.join(", "));
  for (const name of names) {
    const values = await readTrainConfig(`${EXAMPLES}${name}`);
    assert.ok(Object.keys(values).length > 0, `${name} asks for nothing`);
  }
});
