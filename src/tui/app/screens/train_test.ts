import assert from "node:assert/strict";
import { type LoadedModel, loadModelOrRandom } from "../../../app/load_model.ts";
import type { Dataset, MnistData } from "../../../data/dataset.ts";
import { Random } from "../../../network/mod.ts";
import { acquireModelLock } from "../../../model/lock.ts";
import { loadNetworkModel } from "../../../train/checkpoint.ts";
import type { TrainEvent } from "../../../train/trainer.ts";
import { visibleWidth } from "../../../text/layout.ts";
import type { Message, Step, Work } from "../screen_loop.ts";
import { simulate } from "../screen_loop_testing.ts";
import {
  applyTrainEvent,
  commandOf,
  renderTrainProgress,
  type TrainMessage,
  type TrainProgress,
  trainScreen,
  type TrainState,
} from "./train.ts";

function run(epochs: number, stepsDoneInLast: number): TrainProgress {
  let progress: TrainProgress = {
    notes: ["Training 784-256-10"],
    epochs: [],
    lossHistory: [],
    testAccuracyHistory: [],
  };
  for (let epoch = 1; epoch <= epochs; epoch++) {
    progress = applyTrainEvent(progress, {
      type: "epoch-start",
      epoch,
      epochs: 10,
      steps: 938,
      firstStep: 0,
    });
    const steps = epoch < epochs ? 938 : stepsDoneInLast;
    progress = applyTrainEvent(progress, {
      type: "batch",
      epoch,
      epochs: 10,
      step: steps,
      steps: 938,
      loss: 0.5 / epoch,
      accuracy: 0.9,
      learningRate: 0.003,
      elapsedMs: steps * 2,
    });
    if (epoch < epochs) {
      progress = applyTrainEvent(progress, {
        type: "epoch-end",
        epoch,
        epochs: 10,
        loss: 0.5 / epoch,
        trainAccuracy: 0.9,
        testAccuracy: 0.95 + epoch / 1000,
        testLoss: 0.1,
        seconds: 1.9,
        samplesPerSecond: 30000,
      });
    }
  }
  return progress;
}

Deno.test("renderTrainProgress: Keras lines, ETA while running, summary with test accuracy", () => {
  const lines = renderTrainProgress(run(2, 612), { width: 100, height: 30, color: "none" });
  const text = lines.join("\n");
  assert.match(text, /^Epoch 1\/10 {2}test accuracy 95\.10% · test loss 0\.1000 · 1\.9s$/m);
  assert.match(text, /^ {2}938\/938 ━+ 2s 2ms\/step - loss: 0\.5000 - accuracy: 0\.9000$/m);
  assert.match(text, /^Epoch 2\/10$/m);
  assert.match(text, /^ {2}612\/938 ━+─+ ETA 1s 2ms\/step - loss: 0\.2500 - accuracy: 0\.9000$/m);
});

Deno.test("renderTrainProgress: fits the height, older epochs shrink to their summary", () => {
  for (const [width, height] of [[80, 19], [160, 45], [40, 8]]) {
    const lines = renderTrainProgress(run(9, 100), { width, height, color: "256" });
    assert.ok(lines.length <= height, `${lines.length} > ${height}`);
    for (const line of lines) assert.ok(visibleWidth(line) <= width);
    const text = lines.join("\n");
    assert.match(text, /Epoch 9\/10/);
    assert.match(text, /100\/938/); // the running epoch always keeps its bar
  }
  const roomy = renderTrainProgress(run(9, 100), { width: 160, height: 45, color: "none" }).join(
    "\n",
  );
  assert.match(roomy, /loss \(left\)/); // the chart
  // A few epochs on a large terminal: the chart fills the rows they leave.
  const tall = renderTrainProgress(run(3, 100), { width: 160, height: 45, color: "none" });
  assert.equal(tall.length, 45);
  assert.match(tall.at(-1)!, /loss \(left\)/);
  // Too small for the chart: the left-out epochs are not said to be in it.
  const small = renderTrainProgress(run(9, 100), { width: 40, height: 8, color: "none" });
  assert.match(small.join("\n"), /^… 5 earlier epochs$/m);
  assert.match(roomy, /Epoch 1\/10 {2}test accuracy/);
});

Deno.test("renderTrainProgress: notes longer than a third of the height end in …", () => {
  const progress = { ...run(1, 10), notes: ["word ".repeat(100).trim()] };
  const roomy = renderTrainProgress(progress, { width: 40, height: 40, color: "none" });
  assert.equal(roomy.indexOf(""), 13, "all 13 lines of the note at 40 columns");
  const lines = renderTrainProgress(progress, { width: 40, height: 12, color: "none" });
  assert.equal(lines.indexOf(""), 4, "4 lines of note, then the blank line");
  assert.match(lines[3], /…$/);
  assert.match(lines.join("\n"), /10\/938/, "the running epoch still shows");
});

Deno.test("commandOf: the equivalent command line", () => {
  assert.equal(
    commandOf({ modelPath: "x.safetensors", epochs: 3, limit: 500, fresh: true }, "x.safetensors", {
      sample: true,
    }),
    "deno task start train --model x.safetensors --epochs 3 --limit 500 --fresh --sample",
  );
});

/** Sparse random "digits" (about a fifth of the pixels inked), labels 0..9 in turn. */
function syntheticDigits(count: number, seed: number): Dataset {
  const rng = new Random(seed);
  const pixels = new Uint8Array(count * 784);
  for (let i = 0; i < pixels.length; i++) pixels[i] = rng.next() < 0.2 ? 1 + rng.int(255) : 0;
  const labels = new Uint8Array(count).map((_, i) => i % 10);
  return { pixels, labels, count };
}

const DATA: MnistData = {
  train: syntheticDigits(320, 1),
  test: syntheticDigits(100, 2),
  source: "sample",
  description: "synthetic digits",
};

/** The app's context for the screen, with a real model file in a temp folder. */
async function contextFor(modelPath: string) {
  let model: LoadedModel = await loadModelOrRandom(modelPath);
  let reloads = 0;
  return {
    modelFlag: modelPath,
    sample: true,
    model: () => model,
    reloadModel: async () => {
      reloads++;
      return (model = await loadModelOrRandom(modelPath));
    },
    data: () => Promise.resolve(DATA),
    reloads: () => reloads,
  };
}

const work = (message: TrainMessage): Message<TrainMessage> => ({ type: "work", message });
const events = (list: TrainEvent[]) => list.map((event) => work({ type: "event", event }));
const workOf = (steps: Step<TrainState, TrainMessage, void>[], id: string) =>
  steps.flatMap((step) => step.work ?? []).find((w) => w.id === id);

/** Runs background work for real, collecting what it sends (aborting when `abortWhen` says). */
async function runWork(
  job: Work<TrainMessage>,
  abortWhen: (message: TrainMessage) => boolean = () => false,
): Promise<TrainMessage[]> {
  const sent: TrainMessage[] = [];
  const abort = new AbortController();
  await job.run((message) => {
    sent.push(message);
    if (abortWhen(message)) abort.abort();
  }, abort.signal);
  return sent;
}

// The form: Hidden layers, Activation, Layers, Epochs; typing replaces the value just focused.
const EPOCHS_2 = ["down", "down", "down", "2"];

Deno.test("train screen: form, live progress, Esc stops the work, the outcome, then back", () => {
  const screen = trainScreen({
    modelFlag: "m.safetensors",
    model: () => {
      throw new Error("unused");
    },
    reloadModel: () => Promise.reject(new Error("unused")),
    data: () => Promise.resolve(DATA),
  });
  const loaded = work({ type: "loaded", data: DATA });
  let run = simulate(screen, [loaded]);
  assert.match(run.view.body.join("\n"), /A new network, saved to m\.safetensors/);
  assert.equal(screen.typing?.(run.state), true, "q is a letter in the Hidden layers field");

  run = simulate(screen, [loaded, ...EPOCHS_2, "enter"]);
  assert.equal(run.state.phase.name, "training");
  assert.ok(workOf(run.steps, "train"), "Enter starts the training work");
  assert.equal(screen.typing?.(run.state), false, "q backs out while training");
  assert.deepEqual(run.view.body, ["Preparing the training…"]);

  const training = [
    loaded,
    ...EPOCHS_2,
    "enter",
    work({
      type: "session",
      notes: ["Training 784-256-10"],
      lossHistory: [],
      testAccuracyHistory: [],
    }),
    ...events([
      { type: "epoch-start", epoch: 1, epochs: 2, steps: 5, firstStep: 0 },
      ...[1, 2, 3, 4, 5].map((step): TrainEvent => ({
        type: "batch",
        epoch: 1,
        epochs: 2,
        step,
        steps: 5,
        loss: 2 / step,
        accuracy: step / 10,
        learningRate: 0.003,
        elapsedMs: step * 4,
      })),
      {
        type: "epoch-end",
        epoch: 1,
        epochs: 2,
        loss: 0.4,
        trainAccuracy: 0.5,
        testAccuracy: 0.6123,
        testLoss: 1.1,
        seconds: 0.02,
        samplesPerSecond: 16000,
      },
      { type: "epoch-start", epoch: 2, epochs: 2, steps: 5, firstStep: 0 },
      {
        type: "batch",
        epoch: 2,
        epochs: 2,
        step: 2,
        steps: 5,
        loss: 0.3,
        accuracy: 0.7,
        learningRate: 0.003,
        elapsedMs: 8,
      },
    ]),
  ];
  run = simulate(screen, training);
  let text = run.view.body.join("\n");
  assert.match(text, /^Training 784-256-10$/m);
  assert.match(text, /^Epoch 1\/2 {2}test accuracy 61\.23% · test loss 1\.1000/m);
  assert.match(text, /^ {2}5\/5 ━+ /m);
  assert.match(text, /^Epoch 2\/2$/m);
  assert.match(text, /^ {2}2\/5 ━+─+ ETA .* - loss: 0\.3000 - accuracy: 0\.7000$/m);
  assert.equal(run.view.status?.text, "Saving to m.safetensors after every epoch");
  assert.match(run.view.footer, /Esc or Ctrl-C: stop after this batch and save/);

  // Esc (or Ctrl-C, q: the loop sends "back") cancels the work once; the screen stays.
  run = simulate(screen, [...training, "back", "back"]);
  assert.deepEqual(run.steps.at(-2)?.cancel, ["train"]);
  assert.equal(run.steps.at(-1)?.cancel, undefined, "a second Esc waits for the same stop");
  assert.equal(run.exit, undefined);
  assert.equal(run.view.status?.text, "Stopping after this batch, then saving…");

  const stopped = [
    ...training,
    "back",
    work({
      type: "outcome",
      result: { status: "stopped", position: { epochsDone: 1, stepInEpoch: 1 } },
    }),
  ];
  run = simulate(screen, stopped);
  assert.equal(
    run.view.status?.text,
    "Stopped after 1 epoch + 1 batch; saved to m.safetensors (Train resumes it)",
  );
  text = run.view.body.join("\n");
  assert.match(text, /Epoch 2\/2/, "the progress stays on the screen");
  assert.equal(run.exit, undefined, "other keys do not leave");
  assert.ok(simulate(screen, [...stopped, "x"]).exit === undefined);
  assert.ok(simulate(screen, [...stopped, "enter"]).exit);
  assert.ok(simulate(screen, [...stopped, "back"]).exit);
});

Deno.test("train screen: a failed load or training shows the reason in red", () => {
  const screen = trainScreen({
    modelFlag: "m.safetensors",
    model: () => {
      throw new Error("unused");
    },
    reloadModel: () => Promise.reject(new Error("unused")),
    data: () => Promise.resolve(DATA),
  });
  let run = simulate(screen, [work({ type: "load-failed", message: "train-images: truncated" })]);
  assert.deepEqual(run.view.status, { text: "train-images: truncated", error: true });
  run = simulate(screen, [
    work({ type: "loaded", data: DATA }),
    "enter",
    work({
      type: "outcome",
      result: { status: "error", message: "m.safetensors is being trained by another process" },
    }),
  ]);
  assert.equal(run.view.status?.error, true);
  assert.match(run.view.status?.text ?? "", /being trained by another process/);
  // Esc while loading leaves at once.
  assert.ok(simulate(screen, ["back"]).exit);
});

Deno.test("train screen: the training work trains, reports, saves, and reloads the model", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/tiny.safetensors`;
  const context = await contextFor(path);
  const screen = trainScreen(context);
  const loaded = await runWork(workOf([screen.init()], "load")!);
  assert.deepEqual(loaded.map((m) => m.type), ["loaded"]);

  const keys = [...loaded.map(work), ...EPOCHS_2, "enter"];
  const sent = await runWork(workOf(simulate(screen, keys).steps, "train")!);
  const kinds = sent.map((m) => m.type === "event" ? m.event.type : m.type);
  assert.equal(kinds[0], "session");
  assert.deepEqual(kinds.filter((k) => k === "epoch-start" || k === "epoch-end"), [
    "epoch-start",
    "epoch-end",
    "epoch-start",
    "epoch-end",
  ]);
  assert.ok(kinds.filter((k) => k === "batch").length >= 10, "5 batches of 64 per epoch");
  assert.equal(kinds.at(-1), "outcome");

  // The file holds what the outcome says, the lock is gone, the app's model is the new one.
  const saved = await loadNetworkModel(path);
  assert.deepEqual(saved.info.position, { epochsDone: 2, stepInEpoch: 0 });
  assert.match(
    saved.info.command,
    /^deno task start train --model .*tiny\.safetensors .*--epochs 2/,
  );
  await assert.rejects(Deno.stat(`${path}.lock`), Deno.errors.NotFound);
  assert.equal(context.reloads(), 1);
  assert.equal(context.model().info?.position.epochsDone, 2);

  const run = simulate(screen, [...keys, ...sent.map(work)]);
  assert.match(
    run.view.status?.text ?? "",
    new RegExp(`^Done: 2 epochs, test accuracy \\d+\\.\\d\\d%; saved to ${path}$`),
  );
  assert.match(run.view.body.join("\n"), /^Epoch 2\/2 {2}test accuracy/m);

  // The form now offers to resume the saved model.
  const again = await runWork(workOf([screen.init()], "load")!);
  const form = simulate(screen, again.map(work)).view.body.join("\n");
  assert.match(form, /tiny\.safetensors exists: 784-256-10 relu, 2 epochs/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("train screen: aborting the training work stops after the batch and saves there", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/stopped.safetensors`;
  const context = await contextFor(path);
  const screen = trainScreen(context);
  const loaded = await runWork(workOf([screen.init()], "load")!);
  const keys = [...loaded.map(work), "down", "down", "down", "50", "enter"]; // 50 epochs
  // Stop (as Esc's cancel does) at the third batch of the second epoch.
  const sent = await runWork(
    workOf(simulate(screen, keys).steps, "train")!,
    (m) =>
      m.type === "event" && m.event.type === "batch" && m.event.epoch === 2 && m.event.step === 3,
  );
  const outcome = sent.at(-1);
  assert.deepEqual(outcome, {
    type: "outcome",
    result: { status: "stopped", position: { epochsDone: 1, stepInEpoch: 3 } },
  });
  const saved = await loadNetworkModel(path);
  assert.deepEqual(saved.info.position, { epochsDone: 1, stepInEpoch: 3 });
  await assert.rejects(Deno.stat(`${path}.lock`), Deno.errors.NotFound);
  const run = simulate(screen, [...keys, ...sent.map(work)]);
  assert.equal(
    run.view.status?.text,
    `Stopped after 1 epoch + 3 batches; saved to ${path} (Train resumes it)`,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("train screen: a model being trained elsewhere is refused without training", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/busy.safetensors`;
  const context = await contextFor(path);
  const screen = trainScreen(context);
  await using _held = await acquireModelLock(path);
  const sent = await runWork(
    workOf(simulate(screen, [work({ type: "loaded", data: DATA }), "enter"]).steps, "train")!,
  );
  assert.equal(sent.length, 1);
  assert.equal(sent[0].type, "outcome");
  const run = simulate(screen, [work({ type: "loaded", data: DATA }), "enter", ...sent.map(work)]);
  assert.equal(run.view.status?.error, true);
  assert.match(
    run.view.status?.text ?? "",
    /busy\.safetensors is being trained by another process/,
  );
  await assert.rejects(Deno.stat(path), Deno.errors.NotFound, "nothing was saved");
  await Deno.remove(dir, { recursive: true });
});
