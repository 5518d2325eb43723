/**
 * End-to-end tests of the plain commands: the real app in a subprocess, the real MNIST from
 * MNIST_DIR (or the offline sample where the full set is not the point), real model files in a
 * temp folder.
 */
import assert from "node:assert/strict";
import { decodeSafetensors, encodeSafetensors } from "../src/model/safetensors.ts";
import { PROJECT_ROOT, skipUnless } from "./env.ts";
import { assertOneLineError, jsonLines, runApp } from "./run_app.ts";

const work = await Deno.makeTempDir({ prefix: "digits-cli-" });
const model = `${work}/m.safetensors`;

Deno.test({
  name: "train --hidden 128 --epochs 1 reaches 95%, and test reports the same accuracy",
  ignore: skipUnless(import.meta, "mnist"),
  fn: async () => {
    const trained = await runApp([
      "train",
      "--model",
      model,
      "--hidden",
      "128",
      "--epochs",
      "1",
      "--fresh",
      "--json",
    ]);
    assert.equal(trained.code, 0, trained.stderr);
    const events = jsonLines(trained.stdout);
    assert.equal(events.length, 2);
    const [epoch, done] = events;
    assert.equal(epoch.event, "epoch");
    assert.equal(epoch.epoch, 1);
    assert.equal(epoch.epochs, 1);
    for (const key of ["loss", "trainAccuracy", "testAccuracy", "seconds", "samplesPerSecond"]) {
      assert.equal(typeof epoch[key], "number", key);
    }
    assert.ok((epoch.testAccuracy as number) >= 0.95, `test accuracy ${epoch.testAccuracy}`);
    assert.deepEqual(done, { event: "done", model, testAccuracy: epoch.testAccuracy });

    const tested = await runApp(["test", "--model", model, "--json"]);
    assert.equal(tested.code, 0, tested.stderr);
    const [report] = jsonLines(tested.stdout);
    assert.equal(report.model, model);
    assert.equal(report.accuracy, epoch.testAccuracy);
    assert.equal(report.total, 10000);
    const confusion = report.confusion as number[][];
    assert.equal(confusion.length, 10);
    assert.equal(confusion.flat().reduce((a, b) => a + b, 0), 10000);
    const diagonal = confusion.reduce((sum, row, i) => sum + row[i], 0);
    assert.equal(diagonal, report.correct);
    const perDigit = report.perDigit as { digit: number; support: number; recall: number }[];
    assert.equal(perDigit.length, 10);
    assert.equal(perDigit.reduce((a, d) => a + d.support, 0), 10000);
    assert.equal(perDigit[3].recall, confusion[3][3] / confusion[3].reduce((a, b) => a + b, 0));
  },
});

Deno.test({
  name: "train resumes from the saved model and refuses contradicting architecture",
  ignore: skipUnless(import.meta, "mnist"),
  fn: async () => {
    const path = `${work}/resume.safetensors`;
    const first = await runApp([
      "train",
      "--model",
      path,
      "--hidden",
      "32",
      "--epochs",
      "1",
      "--limit",
      "3000",
      "--fresh",
      "--json",
    ]);
    assert.equal(first.code, 0, first.stderr);
    const second = await runApp([
      "train",
      "--model",
      path,
      "--epochs",
      "1",
      "--limit",
      "3000",
      "--json",
    ]);
    assert.equal(second.code, 0, second.stderr);
    const [epoch] = jsonLines(second.stdout);
    assert.equal(epoch.epoch, 2, "the second run continues with epoch 2");
    const info = jsonLines((await runApp(["info", "--model", path, "--json"])).stdout)[0];
    assert.deepEqual((info.position as Record<string, number>).epochsDone, 2);
    assert.deepEqual(info.layerSizes, [784, 32, 10]);

    const contradiction = await runApp([
      "train",
      "--model",
      path,
      "--hidden",
      "64",
      "--epochs",
      "1",
    ]);
    assertOneLineError(
      contradiction,
      /resume\.safetensors is 784-32-10 relu; 784-64-10 relu contradicts it \(add --fresh/,
    );
    const fresh = await runApp([
      "train",
      "--model",
      path,
      "--hidden",
      "16",
      "--epochs",
      "1",
      "--limit",
      "500",
      "--fresh",
      "--json",
    ]);
    assert.equal(fresh.code, 0, fresh.stderr);
  },
});

/** The JSON metadata of a model file on disk, and its plain format version. */
async function metadataOf(
  path: string,
): Promise<{ digits: Record<string, unknown>; version: string }> {
  const { metadata } = decodeSafetensors(await Deno.readFile(path), path);
  return { digits: JSON.parse(metadata.digits), version: metadata.format_version };
}

/**
 * The dense model shipped before layer lists (784-256-10, 99.06%), still shipped as
 * models/pretrained_mlp.safetensors: a version-1 file, like those users trained then.
 */
async function shippedVersion1Model(path: string): Promise<void> {
  const shipped = `${PROJECT_ROOT}/models/pretrained_mlp.safetensors`;
  await Deno.copyFile(shipped, path);
  const { version } = await metadataOf(path);
  assert.equal(version, "1", "models/pretrained_mlp.safetensors is a version-1 file");
}

Deno.test({
  name: "a version-1 model file loads, tests at its 99.06%, resumes, and is saved as version 2",
  ignore: skipUnless(import.meta, "mnist"),
  fn: async () => {
    const path = `${work}/v1.safetensors`;
    await shippedVersion1Model(path);
    const before = await metadataOf(path);
    assert.equal(before.version, "1");
    assert.equal(before.digits.formatVersion, 1);
    assert.equal(before.digits.layers, undefined, "version 1 has no layer list");

    const tested = await runApp(["test", "--model", path, "--json"]);
    assert.equal(tested.code, 0, tested.stderr);
    const [report] = jsonLines(tested.stdout);
    assert.equal(report.accuracy, 0.9906);
    assert.equal(report.correct, 9906);

    const info = await runApp(["info", "--model", path]);
    assert.equal(info.code, 0, info.stderr);
    assert.match(info.stdout, /network: +784-256-10 relu \(softmax output\)/);
    assert.match(info.stdout, /^ +dense256 +256 +200,960$/m);

    // Resume (a copy): a 21st epoch on 640 digits, under the same network named as a preset.
    const copy = `${work}/v1-resumed.safetensors`;
    await Deno.copyFile(path, copy);
    const resumed = await runApp([
      "train",
      "--model",
      copy,
      "--layers",
      "mlp",
      "--limit",
      "640",
      "--epochs",
      "1",
      "--json",
    ]);
    assert.equal(resumed.code, 0, resumed.stderr);
    const [epoch] = jsonLines(resumed.stdout);
    assert.equal(epoch.epoch, 21);
    const after = await metadataOf(copy);
    assert.equal(after.version, "2");
    assert.equal(after.digits.formatVersion, 2);
    assert.deepEqual(after.digits.inputShape, [784]);
    assert.deepEqual(after.digits.layers, [
      { kind: "dense", units: 256, activation: "relu" },
      { kind: "dense", units: 10, activation: "softmax" },
    ]);
    // The version-2 file loads again: it tests, and its accuracy is that of the epoch just saved.
    const again = await runApp(["test", "--model", copy, "--json"]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(jsonLines(again.stdout)[0].accuracy, epoch.testAccuracy);
    const history = jsonLines((await runApp(["info", "--model", copy, "--json"])).stdout)[0]
      .history as unknown[];
    assert.equal(history.length, 21);
  },
});

Deno.test("a CNN trained with --layers is saved as version 2; info lists its layers, shapes and parameters", async () => {
  const path = `${work}/cnn.safetensors`;
  const trained = await runApp([
    "train",
    "--model",
    path,
    "--layers",
    "conv3x4,pool,dense16",
    "--limit",
    "640",
    "--epochs",
    "1",
    "--sample",
  ]);
  assert.equal(trained.code, 0, trained.stderr);
  assert.match(trained.stdout, /Training conv3x4,pool,dense16 relu \(12,770 parameters\)/);
  const { digits, version } = await metadataOf(path);
  assert.equal(version, "2");
  assert.equal(digits.formatVersion, 2);

  const info = await runApp(["info", "--model", path]);
  assert.equal(info.code, 0, info.stderr);
  assert.match(info.stdout, /network: +conv3x4,pool,dense16 relu \(softmax output\)/);
  // Like Keras's summary(): output shape and parameters of each layer (conv: 3*3*1*4 + 4).
  const table = info.stdout.split("\n").filter((line) =>
    /^ {2}(layer|input|conv|pool|dense|total)/.test(line)
  )
    .map((line) => line.trim().split(/ {2,}/));
  assert.deepEqual(table, [
    ["layer", "output shape", "parameters"],
    ["input", "28 x 28 x 1"],
    ["conv3x4", "28 x 28 x 4", "40"],
    ["pool", "14 x 14 x 4", "0"],
    ["dense16", "16", "12,560"],
    ["dense10 softmax", "10", "170"],
    ["total", "12,770"],
  ]);

  const json = jsonLines((await runApp(["info", "--model", path, "--json"])).stdout)[0];
  assert.equal(json.parameters, 12770);
  assert.deepEqual(json.inputShape, [28, 28, 1]);
  assert.deepEqual(json.layers, [
    { kind: "conv", kernel: 3, channels: 4, padding: "same", activation: "relu" },
    { kind: "pool" },
    { kind: "dense", units: 16, activation: "relu" },
    { kind: "dense", units: 10, activation: "softmax" },
  ]);
  assert.deepEqual(json.summary, [
    { layer: "conv3x4", outputShape: [28, 28, 4], parameters: 40 },
    { layer: "pool", outputShape: [14, 14, 4], parameters: 0 },
    { layer: "dense16", outputShape: [16], parameters: 12560 },
    { layer: "dense10 softmax", outputShape: [10], parameters: 170 },
  ]);
  // And it tests: the network the file describes is the one its tensors fill.
  const tested = await runApp(["test", "--model", path, "--sample", "--json"]);
  assert.equal(tested.code, 0, tested.stderr);
  assert.equal(jsonLines(tested.stdout)[0].accuracy, digits.testAccuracy);
});

Deno.test("a file whose layer list does not match its tensors is refused in one line, exit 1", async () => {
  const source = `${work}/small-cnn.safetensors`;
  const trained = await runApp([
    "train",
    "--model",
    source,
    "--layers",
    "conv3x4,pool,dense16",
    "--limit",
    "64",
    "--epochs",
    "1",
    "--sample",
  ]);
  assert.equal(trained.code, 0, trained.stderr);
  const { tensors, metadata } = decodeSafetensors(await Deno.readFile(source), source);
  /** A copy of the small CNN with its layer list edited, the tensors kept. */
  const edited = async (name: string, edit: (layers: Record<string, unknown>[]) => void) => {
    const digits = JSON.parse(metadata.digits);
    edit(digits.layers);
    const path = `${work}/${name}.safetensors`;
    await Deno.writeFile(
      path,
      encodeSafetensors([...tensors.values()], { ...metadata, digits: JSON.stringify(digits) }),
    );
    return path;
  };
  const wider = await edited("wider-conv", (layers) => layers[0].channels = 8);
  const noPool = await edited("no-pool", (layers) => layers.splice(1, 1));
  for (
    const command of [["test", "--sample"], ["info"], ["classify", "x.png"], ["train", "--sample"]]
  ) {
    const refused = await runApp([...command, "--model", wider]);
    assertOneLineError(
      refused,
      /wider-conv\.safetensors: its layers \(conv3x8,pool,dense16 relu\) do not match its tensors: tensor layers\.0\.weight has shape \[4,3,3,1\], expected \[8,3,3,1\]$/,
    );
    assert.equal(refused.code, 1, command.join(" "));
  }
  const refused = await runApp(["test", "--sample", "--model", noPool]);
  assertOneLineError(
    refused,
    /no-pool\.safetensors: its layers \(conv3x4,dense16 relu\) need 50,?402 parameters but its tensors hold/,
  );
  assert.equal(refused.code, 1);
});

Deno.test({
  name: "test without a model file tests a random network and says so",
  fn: async () => {
    const result = await runApp(["test", "--model", `${work}/none.safetensors`, "--sample"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      /no model file at .*none\.safetensors: testing a randomly initialized network/,
    );
    const accuracy = Number(/Accuracy: ([\d.]+)%/.exec(result.stdout)?.[1]);
    assert.ok(accuracy > 3 && accuracy < 20, `random accuracy ${accuracy}%`);
  },
});

Deno.test({
  name: "broken model files give a one-line error and a non-zero exit",
  ignore: skipUnless(import.meta, "mnist"),
  fn: async () => {
    const good = await Deno.readFile(model);
    const truncated = `${work}/truncated.safetensors`;
    await Deno.writeFile(truncated, good.subarray(0, Math.floor(good.length / 2)));
    assertOneLineError(
      await runApp(["test", "--model", truncated]),
      /truncated\.safetensors.*truncated/,
    );
    const random = `${work}/random.safetensors`;
    await Deno.writeFile(random, crypto.getRandomValues(new Uint8Array(4096)));
    assertOneLineError(await runApp(["test", "--model", random]), /random\.safetensors/);
    assertOneLineError(
      await runApp(["classify", "x.png", "--model", random]),
      /random\.safetensors/,
    );
    assertOneLineError(await runApp(["test", "--model", work]), /is a folder|folder/);
  },
});

Deno.test("a wrong data dir and bad flags give one-line errors", async () => {
  assertOneLineError(
    await runApp(["test", "--data-dir", `${work}/nowhere`]),
    /nowhere/,
  );
  const empty = await Deno.makeTempDir();
  const missing = await runApp(["train", "--data-dir", empty, "--model", `${work}/x.safetensors`]);
  assertOneLineError(missing, /fetch-data.*--sample|--sample.*fetch-data/);
  const unknown = await runApp(["train", "--bogus"]);
  assertOneLineError(unknown, /unknown option '--bogus'/);
  assert.equal(unknown.code, 2);
  for (
    const [flag, value] of [
      ["--epochs", "0"],
      ["--epochs", "abc"],
      ["--batch", "-3"],
      ["--lr", "NaN"],
      ["--hidden", ",,"],
      ["--hidden", "0"],
      ["--hidden", "99999999"],
    ]
  ) {
    const result = await runApp(["train", flag, value, "--model", `${work}/x.safetensors`]);
    assertOneLineError(result, new RegExp(`${flag}.*expected`));
    assert.equal(result.code, 2, `${flag} ${value}`);
  }
  const unknownCommand = await runApp(["tran"]);
  assert.equal(unknownCommand.code, 2);
  await Deno.remove(empty);
});

Deno.test("without a terminal and without a command the app prints a hint and exits 2", async () => {
  const result = await runApp([]);
  assert.equal(result.code, 2);
  assert.match(result.stderr.trim(), /^digits: the menu needs a terminal; use a command instead/);
  assert.equal(result.stderr.trim().split("\n").length, 1);
});

Deno.test({
  name: "preview shows a digit as block art with its label",
  ignore: skipUnless(import.meta, "mnist"),
  fn: async () => {
    const result = await runApp(["preview", "--set", "train", "--index", "0"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /#0: 5/); // the first training digit is a 5
    const art = result.stdout.split("\n").filter((line) =>
      /[@#%*+=:.-]/.test(line) && !line.includes("#0")
    );
    assert.ok(art.length >= 8, `expected block art lines, got:\n${result.stdout}`);
    const json = jsonLines(
      (await runApp(["preview", "--set", "test", "--index", "0", "--json"])).stdout,
    );
    assert.equal(json[0].label, 7);
    assert.equal((json[0].pixels as number[]).length, 784);
  },
});

Deno.test("--help lists every command", async () => {
  const result = await runApp(["--help"]);
  assert.equal(result.code, 0);
  for (const command of ["train", "test", "classify", "preview", "info", "fetch-data", "export"]) {
    assert.match(result.stdout, new RegExp(`\\b${command}\\b`));
  }
});

Deno.test({
  name:
    "train --eval-every --stop-at --json: evaluations inside the epoch, ending at the first that reaches the target",
  ignore: skipUnless(import.meta, "mnist"),
  fn: async () => {
    const path = `${work}/stop-at.safetensors`;
    const args = ["train", "--model", path, "--hidden", "64", "--limit", "12000", "--fresh"];
    const trained = await runApp([...args, "--eval-every", "40", "--stop-at", "0.9", "--json"]);
    assert.equal(trained.code, 0, trained.stderr);
    const events = jsonLines(trained.stdout);
    const evaluations = events.filter((e) => e.event === "evaluation");
    assert.ok(evaluations.length >= 1, trained.stdout);
    for (const e of evaluations) {
      assert.deepEqual(Object.keys(e), [
        "event",
        "epoch",
        "step",
        "steps",
        "testAccuracy",
        "testLoss",
        "seconds",
      ]);
      assert.equal((e.step as number) % 40, 0);
    }
    const last = evaluations.at(-1)!;
    assert.ok((last.testAccuracy as number) >= 0.9, `${last.testAccuracy}`);
    assert.ok(evaluations.slice(0, -1).every((e) => (e.testAccuracy as number) < 0.9));
    // The epoch ends right there: its line says after how many batches, and training is done.
    const epoch = events.find((e) => e.event === "epoch")!;
    assert.equal(epoch.stoppedAtStep, last.step);
    assert.equal(epoch.testAccuracy, last.testAccuracy);
    assert.equal(events.at(-1)!.event, "done");
    assert.equal(events.filter((e) => e.event === "epoch").length, 1);
  },
});
