/**
 * `train --augment` end to end: the real app in a subprocess, on the full MNIST (tests/env.ts),
 * checking its output, its model file and that it exits promptly.
 */
import assert from "node:assert/strict";
import { loadNetworkModel } from "../src/train/checkpoint.ts";
import { skipUnless, spawnApp } from "./env.ts";

const ignore = skipUnless(import.meta, "mnist");

function trainProcess(args: string[]): Deno.ChildProcess {
  return spawnApp(["train", ...args]);
}

/** Waits for the process, killing it (and failing) if it takes longer than `limitMs`. */
async function finish(child: Deno.ChildProcess, limitMs: number) {
  const timer = setTimeout(() => child.kill("SIGKILL"), limitMs);
  const output = await child.output();
  clearTimeout(timer);
  const decoder = new TextDecoder();
  const stdout = decoder.decode(output.stdout);
  const stderr = decoder.decode(output.stderr);
  assert.notEqual(
    output.signal,
    "SIGKILL",
    `still running after ${limitMs} ms:\n${stdout}${stderr}`,
  );
  const lines = stdout.split("\n").filter((line) => line.trim() !== "").map((line) =>
    JSON.parse(line)
  );
  return { code: output.code, lines, stderr };
}

Deno.test({
  name: "train --augment trains, saves the plan with augment on, and exits promptly",
  ignore,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      const model = `${dir}/augmented.safetensors`;
      const args = ["--augment", "--limit", "2000", "--epochs", "1", "--fresh", "--json"];
      const started = performance.now();
      const result = await finish(trainProcess([...args, "--model", model]), 60_000);
      const seconds = (performance.now() - started) / 1000;
      assert.equal(result.code, 0, result.stderr);
      const epoch = result.lines.find((line) => line.event === "epoch");
      assert.ok(epoch, "no epoch line");
      assert.equal(epoch.epoch, 1);
      assert.ok(epoch.testAccuracy > 0.5, `test accuracy ${epoch.testAccuracy} after 2,000 digits`);
      assert.ok(epoch.samplesPerSecond > 0);
      assert.equal(result.lines.at(-1)?.event, "done");
      // Loading MNIST and one epoch of 2,000 digits take a few seconds; a wait for a batch that
      // never comes would hold the process until the time limit above.
      assert.ok(seconds < 30, `train --augment took ${seconds.toFixed(1)} s`);
      const saved = await loadNetworkModel(model);
      assert.equal(saved.info.plan?.augment, true);
      assert.match(saved.info.command, /--augment/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/** Starts `train`, waits until it prints `marker` and a little longer, then sends Ctrl-C. */
async function interruptAfter(args: string[], marker: string, waitMs: number) {
  const child = trainProcess(args);
  const stderr = new Response(child.stderr).text();
  const decoder = new TextDecoder();
  let stdout = "";
  let interrupted = false;
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  for await (const chunk of child.stdout) {
    stdout += decoder.decode(chunk, { stream: true });
    if (!interrupted && stdout.includes(marker)) {
      interrupted = true;
      setTimeout(() => child.kill("SIGINT"), waitMs);
    }
  }
  const status = await child.status;
  clearTimeout(timer);
  assert.notEqual(status.signal, "SIGKILL", `still running after 60 s:\n${stdout}${await stderr}`);
  return { code: status.code, stdout, stderr: await stderr };
}

Deno.test({
  name: "Ctrl-C during train --augment stops, saves and exits; train resumes augmenting",
  ignore,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      const model = `${dir}/stopped.safetensors`;
      // An epoch of 60,000 digits through 1,000 hidden units takes seconds: the signal lands
      // mid-epoch.
      const first = await interruptAfter(
        ["--augment", "--hidden", "1000", "--epochs", "3", "--fresh", "--model", model],
        "Training 784-",
        1000,
      );
      assert.equal(first.code, 130, first.stderr);
      assert.match(first.stdout, /augmented \(full\) on a worker thread/);
      assert.match(first.stdout, /Stopped at epoch 1, batch \d+; saved to/);
      const saved = await loadNetworkModel(model);
      assert.equal(saved.info.plan?.augment, true);
      assert.equal(saved.info.position.epochsDone, 0);
      assert.ok(saved.info.position.stepInEpoch > 0);

      // Without flags, train resumes the unfinished plan where it stopped, augmenting again.
      const second = await interruptAfter(["--model", model], "Training 784-", 1000);
      assert.equal(second.code, 130, second.stderr);
      assert.match(second.stdout, new RegExp(`batch ${saved.info.position.stepInEpoch + 1}`));
      assert.match(second.stdout, /augmented \(full\) on a worker thread/);
      const after = await loadNetworkModel(model);
      assert.equal(after.info.plan?.augment, true);
      assert.ok(after.info.position.stepInEpoch > saved.info.position.stepInEpoch);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
