import assert from "node:assert/strict";
import { UserError } from "../errors.ts";
import { OptionValueError } from "./option_values.ts";
import { loose, TRAIN_OPTIONS } from "./options.ts";
import { flagsOf } from "./train_values.ts";
import { parseTrainConfig, readTrainConfig } from "./train_config.ts";

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
