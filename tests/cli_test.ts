/**
 * End-to-end tests of the plain commands: the real app in a subprocess, the real MNIST from
 * MNIST_DIR, real model files in a temp folder.
 */
import assert from "node:assert/strict";
import { assertOneLineError, jsonLines, runApp } from "./run_app.ts";

const work = await Deno.makeTempDir({ prefix: "digits-cli-" });
const model = `${work}/m.safetensors`;

Deno.test("train --hidden 128 --epochs 1 reaches 95%, and test reports the same accuracy", async () => {
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
});

Deno.test("train resumes from the saved model and refuses contradicting architecture", async () => {
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

  const contradiction = await runApp(["train", "--model", path, "--hidden", "64", "--epochs", "1"]);
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
});

Deno.test("test without a model file tests a random network and says so", async () => {
  const result = await runApp(["test", "--model", `${work}/none.safetensors`, "--limit", "2000"]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stdout,
    /no model file at .*none\.safetensors: testing a randomly initialized network/,
  );
  const accuracy = Number(/Accuracy: ([\d.]+)%/.exec(result.stdout)?.[1]);
  assert.ok(accuracy > 3 && accuracy < 20, `random accuracy ${accuracy}%`);
});

Deno.test("broken model files give a one-line error and a non-zero exit", async () => {
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
  assertOneLineError(await runApp(["classify", "x.png", "--model", random]), /random\.safetensors/);
  assertOneLineError(await runApp(["test", "--model", work]), /is a folder|folder/);
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

Deno.test("preview shows a digit as block art with its label", async () => {
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
});

Deno.test("--help lists every command", async () => {
  const result = await runApp(["--help"]);
  assert.equal(result.code, 0);
  for (const command of ["train", "test", "classify", "preview", "info", "fetch-data"]) {
    assert.match(result.stdout, new RegExp(`\\b${command}\\b`));
  }
});
