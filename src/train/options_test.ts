/**
 * The training options, one spec for the flags, the form and configuration files: their values,
 * defaults, ranges, and reading them from a JSON file (parseTrainConfig, readTrainConfig).
 */
import assert from "node:assert/strict";
import { UserError } from "../errors.ts";
import { ACTIVATIONS, defaultOptimizerSettings, OPTIMIZERS, SCHEDULES } from "../network/mod.ts";
import { OptionValueError } from "./option_values.ts";
import { loose, type SavedTraining, TRAIN_OPTIONS, trainOption } from "./options.ts";
import { parseTrainConfig, readTrainConfig } from "./train_config.ts";
import { flagsOf, resolveTrainValues } from "./train_values.ts";
import { AUGMENTED_RECIPE, DEFAULT_RECIPE, FAST_CNN_RECIPE } from "./recipe.ts";

const saved: SavedTraining = {
  layerSizes: [784, 32, 16, 10],
  activation: "tanh",
  optimizer: { ...defaultOptimizerSettings("momentum"), learningRate: 0.02, weightDecay: 5e-4 },
  plan: {
    startEpoch: 0,
    epochs: 3,
    batchSize: 128,
    optimizer: defaultOptimizerSettings("momentum"),
    schedule: "step",
    warmupEpochs: 0.5,
    seed: 9,
    limit: 3000,
    augment: true,
  },
};

Deno.test("the defaults are the README's train table", async () => {
  const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));
  const rows = new Map<string, string>();
  for (const line of readme.split("\n")) {
    const cells = line.split(/(?<!\\)\|/).map((cell) => cell.trim());
    const flag = cells[1]?.match(/^`(--[a-z0-9-]+)/)?.[1];
    if (flag && !rows.has(flag)) rows.set(flag, cells[2].replaceAll("`", ""));
  }
  const expected = (name: string) => {
    const spec = loose(TRAIN_OPTIONS.find((s) => s.name === name)!);
    if (spec.perOptimizer) {
      return ["adam", "momentum", "sgd"].map((k) => `${spec.perOptimizer![k as "sgd"]} ${k}`)
        .join(", ");
    }
    // No layer list by default: the network is the dense one of --hidden.
    if (name === "layers") return "dense (--hidden)";
    return spec.format(spec.default);
  };
  for (const spec of TRAIN_OPTIONS) {
    const flag = spec.flag.split(" ")[0];
    assert.equal(rows.get(flag), expected(spec.name), `README row of ${flag}`);
  }
  assert.equal(rows.get("--limit"), "all");
  assert.equal(rows.get("--augment"), "off");
});

Deno.test("the recipes are the options' defaults", () => {
  const defaults = resolveTrainValues({});
  assert.deepEqual(DEFAULT_RECIPE, {
    hidden: defaults.hidden,
    activation: defaults.activation,
    epochs: defaults.epochs,
    batchSize: defaults.batch,
    optimizer: defaults.optimizer,
    learningRate: defaults.lr,
    schedule: defaults.schedule,
    warmupEpochs: defaults.warmup,
    weightDecay: defaults.weightDecay,
    seed: defaults.seed,
  });
  assert.deepEqual(DEFAULT_RECIPE, {
    hidden: [256],
    activation: "relu",
    epochs: 5,
    batchSize: 64,
    optimizer: "adam",
    learningRate: 0.003,
    schedule: "cosine",
    warmupEpochs: 0.1,
    weightDecay: 5e-4,
    seed: 1,
  });
  assert.equal(AUGMENTED_RECIPE.epochs, 20);
  assert.equal(AUGMENTED_RECIPE.augment, true);
});

Deno.test("the learning rate has one default per optimizer, the same as the optimizer's own", () => {
  for (const kind of OPTIMIZERS) {
    assert.equal(
      resolveTrainValues({ optimizer: kind }).lr,
      defaultOptimizerSettings(kind).learningRate,
    );
  }
  assert.deepEqual(OPTIMIZERS.map((kind) => resolveTrainValues({ optimizer: kind }).lr), [
    0.1,
    0.05,
    0.003,
  ]);
});

Deno.test("resuming, values not given are the saved model's; the rate only for its optimizer", () => {
  const values = resolveTrainValues({}, saved);
  assert.deepEqual(values, {
    hidden: [32, 16],
    activation: "tanh",
    layers: "", // a dense model: its network is its hidden widths
    epochs: 5, // more epochs: the default count, not the old plan's
    batch: 128,
    lr: 0.02,
    optimizer: "momentum",
    weightDecay: 5e-4,
    schedule: "step",
    warmup: 0.5,
    cycleStart: 0.04, // a plan saved before onecycle: its defaults
    cycleEnd: 4e-6,
    beta1: 0.9, // the saved optimizer's
    beta2: 0.999,
    seed: 9,
    threads: "auto", // not kept: one and two threads train the same
    limit: "all", // a quick try's limit is not kept
    augment: true,
    augmentLevel: "full", // a plan saved before levels existed distorted fully
    standardize: false,
    evalEvery: 0,
    stopAt: "off",
    keepBest: false,
    negatives: [], // a plan saved before negatives existed trained on digits only
    negativeRatio: 0.5,
    negativeWeight: 0.5,
    negativeTarget: "uniform", // ten outputs: it cannot have learned the class
    fontDigits: 0, // a plan saved before font digits existed trained on MNIST's alone
    holdout: "auto",
  });
  assert.equal(resolveTrainValues({ optimizer: "adam" }, saved).lr, 0.003);
  assert.equal(resolveTrainValues({ optimizer: "sgd" }, saved).lr, 0.1);
  assert.equal(resolveTrainValues({ optimizer: "sgd" }, saved).weightDecay, 5e-4);
  assert.equal(resolveTrainValues({ optimizer: "sgd", lr: 0.3 }, saved).lr, 0.3);
  // A model saved before plans were kept: the defaults.
  const old = resolveTrainValues({}, { ...saved, plan: null });
  assert.equal(old.batch, 64);
  assert.equal(old.augment, false);
});

Deno.test("every option reads back what it prints, and names the expected values when refusing", () => {
  for (const spec of TRAIN_OPTIONS) {
    const { parse, format } = loose(spec);
    assert.deepEqual(parse(format(spec.default)), spec.default, spec.name);
    assert.throws(() => parse("?"), OptionValueError, spec.name);
    assert.throws(() => parse("?"), /expected .*, got "\?"\.$/, spec.name);
  }
  assert.deepEqual(trainOption("activation").choices, ACTIVATIONS);
  assert.deepEqual(trainOption("optimizer").choices, OPTIMIZERS);
  assert.deepEqual(trainOption("schedule").choices, SCHEDULES);
});

Deno.test("flagsOf writes the flags that ask for the values (for a model's 'made by' line)", () => {
  const values = resolveTrainValues({}, saved);
  const flags = flagsOf(values);
  assert.deepEqual(flags.slice(0, 4), ["--hidden", "32,16", "--activation", "tanh"]);
  assert.deepEqual(flags.slice(-22, -17), [
    "--limit",
    "all",
    "--augment",
    "--augment-level",
    "full",
  ]);
  assert.deepEqual(flags.slice(-17), [
    "--negatives",
    "none",
    "--negative-ratio",
    "0.5",
    "--negative-weight",
    "0.5",
    "--negative-target",
    "uniform",
    "--holdout",
    "auto",
    "--font-digits",
    "0",
    "--eval-every",
    "0",
    "--stop-at",
    "off",
    "--no-keep-best",
  ]);
  // Read back by the options' parsers, the flags give the same values.
  const back: Record<string, unknown> = {};
  for (let i = 0; i < flags.length; i++) {
    const switched = TRAIN_OPTIONS.find((s) =>
      s.negation && [s.flag, s.negation.flag].includes(flags[i])
    );
    if (switched) {
      back[switched.name] = flags[i] === switched.flag;
      continue;
    }
    const spec = TRAIN_OPTIONS.find((s) => s.flag.split(" ")[0] === flags[i])!;
    back[spec.name] = loose(spec).parse(flags[++i]);
  }
  assert.deepEqual(back, values);
  assert.deepEqual(flagsOf({ augment: false }), ["--no-augment"]);
});

Deno.test("examples/speedrun.json is the fast CNN recipe the Train form offers", async () => {
  const file = await readTrainConfig(
    new URL("../../examples/speedrun.json", import.meta.url).pathname,
  );
  assert.deepEqual(file, FAST_CNN_RECIPE);
});

Deno.test("examples/best.json is a valid recipe: the cnn preset, distorted, standardized, onecycle", async () => {
  const file = await readTrainConfig(
    new URL("../../examples/best.json", import.meta.url).pathname,
  );
  assert.equal(file.layers, "cnn");
  assert.equal(file.augment, true);
  assert.equal(file.standardize, true);
  assert.equal(file.schedule, "onecycle");
  assert.equal(file.epochs, 20);
});

// Configuration files

const EXAMPLES = new URL("../../examples/", import.meta.url).pathname;

Deno.test("a config file takes every training option by its name, in JSON's own types", () => {
  const values = parseTrainConfig(
    JSON.stringify({
      "// note": "comments are keys starting with //",
      hidden: [128, 64],
      activation: "tanh",
      epochs: 3,
      batch: 32,
      lr: 0.01,
      optimizer: "momentum",
      weightDecay: 0.0001,
      schedule: "step",
      warmup: 0.5,
      seed: 7,
      limit: "all",
      augment: true,
    }),
    "run.json",
  );
  assert.deepEqual(values, {
    hidden: [128, 64],
    activation: "tanh",
    epochs: 3,
    batch: 32,
    lr: 0.01,
    optimizer: "momentum",
    weightDecay: 0.0001,
    schedule: "step",
    warmup: 0.5,
    seed: 7,
    limit: "all",
    augment: true,
  });
  // Every key of the spec is a key of the file: the two cannot drift apart.
  for (const spec of TRAIN_OPTIONS) {
    const text = loose(spec).format(spec.default);
    const json = spec.name === "augment" ? spec.default : text;
    assert.deepEqual(
      parseTrainConfig(JSON.stringify({ [spec.name]: json }), "f")[spec.name],
      spec.default,
    );
  }
  assert.deepEqual(parseTrainConfig('{"layers": " cnn "}', "f"), { layers: "cnn" });
  assert.deepEqual(parseTrainConfig('{"hidden": "128,64", "lr": "3e-3"}', "f"), {
    hidden: [128, 64],
    lr: 0.003,
  });
});

Deno.test("a config value is refused exactly when the flag would be, with the flag's reason", () => {
  const bad: [string, unknown][] = [
    ["epochs", 0],
    ["epochs", 2.5],
    ["batch", 5000],
    ["lr", 500],
    ["lr", -1],
    ["weightDecay", 2],
    ["hidden", [0]],
    ["hidden", [1, 1, 1, 1, 1, 1, 1, 1, 1]],
    ["activation", "Relu"],
    ["optimizer", "rmsprop"],
    ["schedule", "linear"],
    ["layers", "conv5x8,pol"],
    ["limit", 0],
    ["seed", -3],
  ];
  for (const [key, value] of bad) {
    const spec = TRAIN_OPTIONS.find((candidate) => candidate.name === key)!;
    const text = Array.isArray(value) ? value.join(",") : String(value);
    let flagReason = "";
    try {
      loose(spec).parse(text);
    } catch (error) {
      assert.ok(error instanceof OptionValueError);
      flagReason = error.message;
    }
    assert.notEqual(flagReason, "", `the flag refuses ${key} ${text}`);
    assert.throws(() => parseTrainConfig(JSON.stringify({ [key]: value }), "run.json"), {
      name: "UserError",
      message: `run.json: "${key}": ${flagReason}`,
    });
  }
});

Deno.test("a config file's unknown keys, wrong types and broken JSON are refused by name", () => {
  const refusal = (text: string) => {
    try {
      parseTrainConfig(text, "run.json");
    } catch (error) {
      assert.ok(error instanceof UserError);
      return error.message;
    }
    assert.fail(`accepted ${text}`);
  };
  assert.match(
    refusal('{"learningRate": 0.1}'),
    /^run\.json: unknown key "learningRate"; expected one of hidden, activation, layers, standardize, epochs/,
  );
  assert.match(refusal('{"weight-decay": 0.1}'), /did you mean "weightDecay"\?/);
  assert.equal(
    refusal('{"augment": "yes"}'),
    'run.json: "augment": expected one of off, on, got "yes".',
  );
  assert.equal(refusal('{"augment": 1}'), 'run.json: "augment": expected true or false, got 1');
  assert.equal(refusal('{"epochs": null}'), 'run.json: "epochs": expected a number, got null');
  assert.match(refusal('{"hidden": {"a": 1}}'), /"hidden": expected a list of widths such as/);
  assert.match(refusal("[1, 2]"), /expected a JSON object of training options/);
  assert.match(refusal("{epochs: 3}"), /^run\.json: not valid JSON/);
});

Deno.test("the shipped example configs read, and their flags say the same", async () => {
  for await (const entry of Deno.readDir(EXAMPLES)) {
    if (!entry.name.endsWith(".json")) continue;
    const values = await readTrainConfig(`${EXAMPLES}${entry.name}`);
    assert.ok(Object.keys(values).length >= 3, entry.name);
    // Round trip: the values as flags, parsed back by each option, are the same values.
    const flags = flagsOf(values);
    const back: Record<string, unknown> = {};
    for (const spec of TRAIN_OPTIONS) {
      const at = flags.indexOf(spec.flag.split(" ")[0]);
      if (spec.negation) {
        if (at >= 0) back[spec.name] = true;
        if (flags.includes(spec.negation.flag)) back[spec.name] = false;
      } else if (at >= 0) back[spec.name] = loose(spec).parse(flags[at + 1]);
    }
    assert.deepEqual(back, values, entry.name);
  }
});

Deno.test("readTrainConfig names a missing or oversized file", async () => {
  await assert.rejects(readTrainConfig("/nonexistent/run.json"), {
    message: "/nonexistent/run.json: no such file",
  });
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/big.json`, `{"//": "${"x".repeat(70_000)}"}`);
    await assert.rejects(readTrainConfig(`${dir}/big.json`), /too large for a training config/);
    await assert.rejects(readTrainConfig(dir), /not a file/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
