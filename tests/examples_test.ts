/**
 * The examples a newcomer copies: the library programs in examples/, run as a user would (a
 * subprocess in a folder of their own, the project's deno.json as --config), and the example
 * training configurations through the real `train --config` and `info`.
 */
import assert from "node:assert/strict";
import { MNIST_DIR, PROJECT_ROOT, SHARED_DIR, skipUnless } from "./env.ts";
import { assertOneLineError, jsonLines, runApp } from "./run_app.ts";

const EXAMPLES = `${PROJECT_ROOT}/examples`;
const REAL_DIGITS = `${SHARED_DIR}/real_digits/seed000`;

/** Runs an example program from an empty temp folder; returns its stdout lines. */
async function runExample(file: string, args: string[], permissions: string[]) {
  const cwd = await Deno.makeTempDir({ prefix: "digits-example-" });
  try {
    const output = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        "--config",
        `${PROJECT_ROOT}/deno.json`,
        ...permissions,
        `${EXAMPLES}/${file}`,
        ...args,
      ],
      cwd,
      env: { NO_COLOR: "1", MNIST_DIR },
      stdin: "null",
    }).output();
    const stderr = new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 0, stderr);
    return new TextDecoder().decode(output.stdout).trim().split("\n");
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
}

Deno.test("examples/classify_file.ts, run from another folder, reads the digit in a file", async () => {
  const ring = await runExample("classify_file.ts", [], ["--allow-read"]);
  assert.match(ring[0], /ring_baseline\.jpg: 0 \(\d+\.\d% sure\)$/);
  // From a folder without models/default.safetensors: the model shipped with the project.
  assert.ok(ring[1].startsWith(`model: ${PROJECT_ROOT}/models/pretrained.safetensors, `), ring[1]);
});

Deno.test({
  name: "examples/classify_file.ts reads real people's digits, each named with its label, right",
  ignore: skipUnless(import.meta, "shared/real_digits"),
  fn: async () => {
    for (const entry of Deno.readDirSync(REAL_DIGITS)) {
      const label = entry.name.match(/label(\d)/)![1];
      const [line] = await runExample("classify_file.ts", [`${REAL_DIGITS}/${entry.name}`], [
        "--allow-read",
      ]);
      assert.match(line, new RegExp(`${entry.name}: ${label} \\(`), line);
    }
  },
});

Deno.test("examples/train_small.ts trains a small network and prints each epoch", async () => {
  const lines = await runExample("train_small.ts", [], [
    "--allow-read",
    "--allow-write",
    "--allow-env",
  ]);
  assert.equal(lines.length, 4, lines.join("\n"));
  for (let epoch = 1; epoch <= 3; epoch++) {
    assert.match(
      lines[epoch - 1],
      new RegExp(`^epoch ${epoch}/3: loss \\d\\.\\d{3}, test accuracy \\d+\\.\\d%$`),
    );
  }
  const last = Number(lines[2].match(/accuracy ([\d.]+)%/)![1]);
  assert.ok(last > 80, `a network that learns: ${lines[2]}`);
  assert.match(lines[3], /^saved .*small\.safetensors$/);
});

Deno.test("train --config: the file's values, flags over them, recorded so info shows them", async () => {
  const dir = await Deno.makeTempDir({ prefix: "digits-config-" });
  try {
    const model = `${dir}/quick.safetensors`;
    const trained = await runApp([
      "train",
      "--config",
      "examples/quick.json",
      "--epochs",
      "1",
      "--sample",
      "--model",
      model,
      "--json",
    ]);
    assert.equal(trained.code, 0, trained.stderr);
    const [info] = jsonLines((await runApp(["info", "--model", model, "--json"])).stdout);
    const plan = info.plan as Record<string, unknown>;
    assert.deepEqual(info.layerSizes, [784, 64, 10], "hidden from the file");
    assert.equal(plan.batchSize, 128, "batch from the file");
    assert.equal(plan.limit, 5000, "limit from the file");
    assert.equal(plan.epochs, 1, "the flag overrides the file's 2 epochs");
    assert.equal(
      info.command,
      "deno task start train --config examples/quick.json --epochs 1 --sample --model " +
        `${model} --json (examples/quick.json: --hidden 64 --epochs 2 --batch 128 --seed 1 --limit 5000)`,
    );
    const text = await runApp(["info", "--model", model]);
    assert.match(text.stdout, /made by: +deno task start train --config examples\/quick\.json/);

    // Round trip: the same run from flags alone makes the same model.
    const again = `${dir}/flags.safetensors`;
    const fromFlags = await runApp([
      "train",
      ..."--hidden 64 --batch 128 --seed 1 --limit 5000 --epochs 1 --sample --json".split(" "),
      "--model",
      again,
    ]);
    assert.equal(fromFlags.code, 0, fromFlags.stderr);
    const [second] = jsonLines((await runApp(["info", "--model", again, "--json"])).stdout);
    assert.deepEqual(second.plan, info.plan);
    assert.equal(second.testAccuracy, info.testAccuracy, "bit-identical training");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train --config refuses a bad key or value in one line, before training", async () => {
  const dir = await Deno.makeTempDir({ prefix: "digits-config-" });
  try {
    const config = `${dir}/run.json`;
    const model = `${dir}/m.safetensors`;
    const run = () => runApp(["train", "--config", config, "--sample", "--model", model]);
    await Deno.writeTextFile(config, '{"hidden": [64], "learning_rate": 0.1}');
    assertOneLineError(await run(), /^error: .*run\.json: unknown key "learning_rate"; expected/);
    await Deno.writeTextFile(config, '{"batch": 0}');
    assertOneLineError(
      await run(),
      /^error: .*run\.json: "batch": expected a whole number from 1 to 4,096, got "0"\.$/,
    );
    await Deno.writeTextFile(config, '{"layers": "conv5x8,pol"}');
    assertOneLineError(await run(), /"layers": .*at 9: expected/);
    assertOneLineError(
      await runApp(["train", "--config", `${dir}/none.json`, "--sample", "--model", model]),
      /^error: .*none\.json: no such file$/,
    );
    assert.equal(await Deno.stat(model).then(() => true, () => false), false, "nothing trained");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--version prints the version in deno.json", async () => {
  const { version } = JSON.parse(await Deno.readTextFile(`${PROJECT_ROOT}/deno.json`));
  const result = await runApp(["--version"]);
  assert.equal(result.code, 0);
  assert.equal(result.stdout.trim(), version);
});

Deno.test({
  name: "docs/how-it-works.md: each pasted output is what its command prints today",
  ignore: skipUnless(import.meta, "mnist"),
  fn: async () => {
    const guide = await Deno.readTextFile(`${PROJECT_ROOT}/docs/how-it-works.md`);
    // A ```sh block of one command followed by a ```text block: that command's output.
    const pairs = [...guide.matchAll(/```sh\n([^\n]+)\n```\n\n```text\n([\s\S]*?)\n```/g)];
    assert.ok(pairs.length >= 8, `only ${pairs.length} command outputs found`);
    // The data folder is $MNIST_DIR, whatever it is on this machine.
    const tidy = (text: string) =>
      text.split("\n").map((line) => line.trimEnd().replace(/^MNIST from \S+,/, "MNIST from DIR,"))
        .join("\n").trim();
    for (const [, command, pasted] of pairs) {
      const words = command.replace(/^NO_COLOR=1 /, "").split(" ");
      let stdout: string;
      if (words.slice(0, 3).join(" ") === "deno task start") {
        const result = await runApp(words.slice(3));
        assert.equal(result.code, 0, `${command}: ${result.stderr}`);
        stdout = result.stdout;
      } else {
        assert.deepEqual(words.slice(0, 3), ["deno", "run", "-A"], command);
        const output = await new Deno.Command(Deno.execPath(), {
          args: ["run", "--quiet", "-A", ...words.slice(3)],
          cwd: PROJECT_ROOT,
          env: { NO_COLOR: "1", MNIST_DIR },
        }).output();
        assert.equal(output.code, 0, `${command}: ${new TextDecoder().decode(output.stderr)}`);
        stdout = new TextDecoder().decode(output.stdout);
      }
      assert.equal(
        tidy(stdout),
        tidy(pasted),
        `the output of \`${command}\` changed: paste it (NO_COLOR=1, trailing spaces trimmed) into docs/how-it-works.md, and check the text around it still says what the output shows`,
      );
    }
  },
});

Deno.test("deno doc --lint mod.ts: the library's whole public API is documented", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--lint", "mod.ts"],
    cwd: PROJECT_ROOT,
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder().decode(output.stderr) + new TextDecoder().decode(output.stdout);
  assert.equal(output.code, 0, text);
});
