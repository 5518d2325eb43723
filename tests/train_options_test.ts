/**
 * The three users of the training options agree: the menu's Train form, the `train` flags and
 * the training session. A value the form shows is the value trained with (every optimizer
 * switch, fresh and resumed, on real model files), and the flags and the form accept and refuse
 * exactly the same typed values. Lives in tests/ because it drives both front ends.
 */
import assert from "node:assert/strict";
import { buildProgram, trainFlagsOf } from "../src/cli/program.ts";
import { trainRequest } from "../src/cli/commands/train.ts";
import type { CommandIo } from "../src/cli/io.ts";
import { type OptimizerKind, OPTIMIZERS } from "../src/network/mod.ts";
import { loadNetworkModel } from "../src/train/checkpoint.ts";
import { loose, TRAIN_OPTIONS, trainOption, type TrainValueName } from "../src/train/options.ts";
import { resolveTrainValues } from "../src/train/train_values.ts";
import {
  prepareTrainingSession,
  runTrainingSession,
  type TrainRequest,
} from "../src/train/session.ts";
import { syntheticMnist } from "../src/train/test_data.ts";
import { KeyParser } from "../src/tui/terminal/keys.ts";
import {
  createTrainForm,
  fieldError,
  type FieldName,
  type TrainForm,
  trainFormKey,
  trainRequestOf,
} from "../src/tui/screens/train_form.ts";
import { renderTrainForm } from "../src/tui/screens/train_form_view.ts";

const data = syntheticMnist(200, 50);
const work = await Deno.makeTempDir({ prefix: "digits-options-" });

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

/** Saves a small model trained one epoch with `optimizer` at half its default learning rate. */
async function savedModel(optimizer: OptimizerKind): Promise<string> {
  const modelPath = `${work}/${optimizer}.safetensors`;
  const lr = resolveTrainValues({ optimizer }).lr / 2;
  const request = { modelPath, hidden: [8], optimizer, lr, epochs: 1, batch: 20 };
  const session = await prepareTrainingSession(request, data);
  const outcome = await runTrainingSession(session, data, { shouldStop: () => false });
  assert.equal(outcome.status, "completed");
  return modelPath;
}

Deno.test("the learning rate the form shows is the one trained with, for every optimizer switch", async () => {
  const checked: string[] = [];
  for (const savedKind of [undefined, ...OPTIMIZERS]) {
    const modelPath = savedKind ? await savedModel(savedKind) : `${work}/none.safetensors`;
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
        assert.equal(session.plan.optimizer.learningRate, shownLearningRate(form), args.join(" "));
      }
    }
  }
  // The saved rate (half the default) is shown and kept while the optimizer stays.
  assert.ok(checked.includes("saved sgd, resume, -> sgd (0 presses): 0.05"), checked.join("\n"));
  assert.ok(checked.includes("saved sgd, resume, -> adam (0 presses): 0.003"));
  assert.ok(checked.includes("saved adam, resume, -> adam (3 presses): 0.0015"));
  assert.ok(checked.includes("saved adam, fresh, -> momentum (0 presses): 0.05"));
});

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

Deno.test({
  name: "cleanup",
  fn: async () => await Deno.remove(work, { recursive: true }),
});
