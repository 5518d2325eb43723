import assert from "node:assert/strict";
import { TRAIN_OPTIONS } from "../train/options.ts";
import type { TrainRequest } from "../train/session.ts";
import { DEFAULT_MODEL_PATH } from "../app/model_paths.ts";
import { trainRequest } from "./commands/train.ts";
import type { CommandIo } from "./io.ts";
import { buildProgram, trainFlagsOf } from "./program.ts";
import { EXIT_USAGE, runCli } from "./run.ts";

/** An io that keeps stdout and stderr apart. */
function capture() {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: CommandIo = {
    write: (text) => stdout.push(text),
    warn: (line) => stderr.push(line),
    isTerminal: false,
    color: "none",
    columns: 80,
  };
  return { io, stdout: () => stdout.join(""), stderr };
}

/** The request `train ARGS` gives the session, parsed by the real program (nothing trained). */
async function requestOf(args: string[]): Promise<TrainRequest> {
  const program = buildProgram(capture().io, { status: 0 });
  let opts: Record<string, unknown> | undefined;
  const parsed = new Error("parsed");
  program.hook("preAction", (_program, command) => {
    opts = command.opts();
    throw parsed; // stop before training: the parsing is under test
  });
  await assert.rejects(
    program.parseAsync(["train", ...args], { from: "user" }),
    (e) => e === parsed,
  );
  return trainRequest(trainFlagsOf(opts!));
}

const REMEDY = "(add --fresh to start a new model there, or choose another --model)";

Deno.test("train flags parse into the request the session gets", async () => {
  const request = await requestOf([
    "--model",
    "my.safetensors",
    "--hidden",
    "128,64",
    "--activation",
    "tanh",
    "--epochs",
    "3",
    "--batch",
    "32",
    "--lr",
    "1e-3",
    "--optimizer",
    "sgd",
    "--weight-decay",
    "0.0001",
    "--schedule",
    "step",
    "--warmup",
    "0",
    "--seed",
    "5",
    "--limit",
    "1000",
    "--augment",
    "--fresh",
    "--weights-only",
    "--strict-math",
    "--json",
    "--data-dir",
    "somewhere",
  ]);
  const { command, ...rest } = request;
  assert.match(command!, /^deno task start/);
  assert.deepEqual(rest, {
    modelPath: "my.safetensors",
    hidden: [128, 64],
    activation: "tanh",
    epochs: 3,
    batch: 32,
    lr: 0.001,
    optimizer: "sgd",
    weightDecay: 0.0001,
    schedule: "step",
    warmup: 0,
    seed: 5,
    limit: 1000,
    augment: true,
    fresh: true,
    weightsOnly: true,
    strictMath: true,
    remedy: REMEDY,
  });
  assert.equal((await requestOf(["--no-augment"])).augment, false);
  assert.equal((await requestOf(["--limit", "all"])).limit, "all");
  assert.deepEqual((await requestOf(["--hidden", "none"])).hidden, []);
});

Deno.test("train with no flags asks for nothing: the session fills in every value", async () => {
  const { command: _command, ...request } = await requestOf([]);
  assert.deepEqual(request, { modelPath: DEFAULT_MODEL_PATH, remedy: REMEDY });
});

Deno.test("bad flags and values exit 2 with one line naming the flag and what was expected", async () => {
  const cases: [string[], RegExp][] = [
    [
      ["train", "--epochs", "0"],
      /'--epochs <n>' argument '0' is invalid\. expected a whole number from 1 to 10,000/,
    ],
    [["train", "--lr", "fast"], /'--lr <rate>' .* expected a number from 1e-9 to 100, got "fast"/],
    [
      ["train", "--optimizer", "adamw"],
      /'--optimizer <name>' .* expected one of sgd, momentum, adam/,
    ],
    [
      ["train", "--schedule", "Cosine"],
      /expected one of constant, cosine, step, onecycle, got "Cosine"/,
    ],
    [
      ["train", "--hidden", "0"],
      /'--hidden <sizes>' .* expected up to 8 comma-separated layer widths/,
    ],
    [
      ["train", "--limit=-3"],
      /'--limit <n>' .* expected all or a whole number from 1 to 10,000,000/,
    ],
    [["train", "--weight-decay", "2"], /expected a number from 0 to 1, got "2"/],
    [["train", "--epochs"], /option '--epochs <n>' argument missing/],
    [["train", "--bogus"], /unknown option '--bogus'/],
    [["test", "--limit", "0"], /'--limit <n>' .* expected a whole number from 1/],
    [["preview", "--count", "x"], /'--count <n>' .* got "x"/],
    [["classify"], /missing required argument 'paths'/],
    [["trian"], /unknown command 'trian'[^]*train/],
  ];
  for (const [args, message] of cases) {
    const { io, stdout, stderr } = capture();
    const status = await runCli(args, io);
    assert.equal(status, EXIT_USAGE, args.join(" "));
    assert.equal(stderr.length, 1, `${args.join(" ")}: ${stderr.join("\n")}`);
    assert.ok(!stderr[0].includes("\n"), stderr[0]);
    assert.match(stderr[0], /^error: /);
    assert.match(stderr[0], message);
    assert.equal(stdout(), "");
  }
});

Deno.test("train --help lists every training flag with the default the session uses", async () => {
  const { io, stdout } = capture();
  assert.equal(await runCli(["train", "--help"], io), 0);
  const help = stdout().replace(/\s+/g, " ");
  for (const spec of TRAIN_OPTIONS) {
    assert.ok(help.includes(spec.flag), spec.flag);
    if (spec.negation) assert.ok(help.includes(spec.negation.flag));
  }
  assert.match(help, /--lr <rate> .*\(default 0\.003 adam, 0\.05 momentum, 0\.1 sgd\)/);
  assert.match(help, /--hidden <sizes> .*\(default 256\)/);
  assert.match(
    help,
    /--schedule <name> [^]*?\(default cosine\)\s+\(choices: "constant", "cosine", "step", "onecycle"\)/,
  );
});

Deno.test("train on the offline sample saves a model; contradicting flags exit 1 with one line", async () => {
  const dir = await Deno.makeTempDir({ prefix: "digits-program-" });
  try {
    const model = `${dir}/m.safetensors`;
    const small = ["--model", model, "--limit", "300", "--sample", "--json"];
    const first = capture();
    assert.equal(await runCli(["train", ...small, "--hidden", "8", "--epochs", "1"], first.io), 0);
    const lines = first.stdout().trim().split("\n").map((line) => JSON.parse(line));
    assert.deepEqual(lines.map((line) => line.event), ["epoch", "done"]);
    assert.equal(lines[1].model, model);
    assert.deepEqual(first.stderr, []);

    const refused = capture();
    assert.equal(await runCli(["train", ...small, "--hidden", "16"], refused.io), 1);
    assert.deepEqual(refused.stderr, [
      `error: ${model} is 784-8-10 relu; 784-16-10 relu contradicts it ${REMEDY}`,
    ]);

    const switched = capture();
    const args = ["train", ...small.filter((a) => a !== "--json"), "--optimizer", "sgd"];
    assert.equal(await runCli([...args, "--epochs", "1"], switched.io), 0);
    assert.match(switched.stdout(), /Switching optimizer adam -> sgd/);
    assert.match(switched.stdout(), /with sgd lr 0\.1, batch 64/);
    assert.match(switched.stdout(), /Saved .*: 2 epochs, test accuracy \d+\.\d\d%/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
