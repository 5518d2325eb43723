import { type LoadedModel, loadModelOrRandom } from "../../app/load_model.ts";
import type { Dataset, MnistData } from "../../data/dataset.ts";
import { Random } from "../../network/mod.ts";
import { acquireModelLock } from "../../model/lock.ts";
import { loadNetworkModel } from "../../train/checkpoint.ts";
import type { TrainEvent } from "../../train/trainer.ts";
import { visibleWidth } from "../../text/layout.ts";
import type { Message, Step, Work } from "../screen_loop.ts";
import { simulate } from "../screen_loop_testing.ts";
import { bodyRows, renderPage } from "../page.ts";
import { stripAnsi } from "../../text/layout.ts";
import type { TrainPanel } from "../../network/weight_tiles.ts";
import { commandOf } from "../../train/train_values.ts";
import { type TrainMessage, trainScreen, type TrainState } from "./train.ts";
import { applyTrainEvent, type TrainProgress } from "./train_progress.ts";
import { LOSS_POINT_EVERY } from "../../train/run_record.ts";
import { renderTrainProgress } from "./train_view.ts";
import assert from "node:assert/strict";

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
      lossPoints: [],
      accuracyPoints: [],
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

Deno.test("train screen at 80x24: a stopped run's status wraps whole; the chart makes room for it", () => {
  const modelPath = "models/second-try-at-a-lower-rate.safetensors";
  const screen = trainScreen({
    modelFlag: modelPath,
    model: () => {
      throw new Error("unused");
    },
    reloadModel: () => Promise.reject(new Error("unused")),
    data: () => Promise.resolve(DATA),
  });
  // A resumed run's history: enough loss points for the chart, which grows into free rows.
  const lossPoints = Array.from({ length: 40 }, (_, i) => ({ epoch: i / 20, loss: 2 / (i + 1) }));
  const messages = [
    work({ type: "loaded", data: DATA }),
    ...EPOCHS_2,
    "enter",
    work({ type: "session", notes: ["Training 784-256-10"], lossPoints, accuracyPoints: [] }),
    // Six epochs done: their lines fill the rows the chart leaves.
    ...events([1, 2, 3, 4, 5, 6, 7].flatMap((epoch): TrainEvent[] => [
      { type: "epoch-start", epoch, epochs: 8, steps: 5, firstStep: 0 },
      ...(epoch < 7
        ? [{
          type: "epoch-end" as const,
          epoch,
          epochs: 8,
          loss: 0.5 / epoch,
          trainAccuracy: 0.9,
          testAccuracy: 0.95 + epoch / 1000,
          testLoss: 0.1,
          seconds: 1.9,
          samplesPerSecond: 30000,
        }]
        : []),
    ])),
    "back",
    work({
      type: "outcome",
      result: { status: "stopped", position: { epochsDone: 1, stepInEpoch: 1 } },
    }),
  ];
  const size = { columns: 80, rows: 24 };
  const run = simulate(screen, messages, size);
  const page = renderPage({ header: ["model", "data"], title: "Train", ...run.view }, size, "none")
    .join("\n");
  const status = `Stopped after 1 epoch + 1 batch; saved to ${modelPath} (Train resumes it)`;
  assert.ok(status.length > 80);
  assert.ok(page.replaceAll("\n", " ").includes(status), page);
  assert.match(page, /x: epochs/, "the chart's legend, its last line, is not cut");
  const statusRows = 2;
  assert.ok(run.view.body.length <= bodyRows(size) - statusRows, page);
  for (const line of page.split("\n")) assert.ok(visibleWidth(line) <= 80, line);
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
  // the live panel comes right after the first batch: weight copies, a gradient norm per layer
  assert.equal(kinds[kinds.indexOf("batch") + 1], "panel");
  const panel = sent.find((m) => m.type === "panel");
  assert.ok(panel?.type === "panel");
  assert.equal(panel.panel.tiles[0].length, 784);
  assert.ok(panel.panel.layers.every((l) => l.gradientNorm > 0));

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

/** Progress through `batches` batches of one epoch of 938, loss falling from 2.3. */
function firstEpoch(batches: number): TrainProgress {
  let progress: TrainProgress = {
    notes: ["Training 784-256-10"],
    epochs: [],
    lossPoints: [],
    accuracyPoints: [],
  };
  progress = applyTrainEvent(progress, {
    type: "epoch-start",
    epoch: 1,
    epochs: 5,
    steps: 938,
    firstStep: 0,
  });
  let sum = 0;
  for (let step = 1; step <= batches; step++) {
    sum += 2.3 * Math.exp(-step / 100); // this batch's loss
    progress = applyTrainEvent(progress, {
      type: "batch",
      epoch: 1,
      epochs: 5,
      step,
      steps: 938,
      loss: sum / step, // the event carries the epoch's running mean
      accuracy: 0.5,
      learningRate: 0.003,
      elapsedMs: step * 2,
    });
  }
  return progress;
}

Deno.test("applyTrainEvent: a smoothed loss point every few dozen batches, from the first epoch", () => {
  const progress = firstEpoch(200);
  const curve = progress.lossPoints.map((p) => p.loss);
  // a point at the first batch, then every 25: batches 1, 25, 50, ..., 200
  assert.equal(curve.length, Math.floor(200 / LOSS_POINT_EVERY) + 1);
  // each at its place in epochs
  assert.deepEqual(progress.lossPoints[1].epoch, Number((25 / 938).toFixed(4)));
  // it follows the batches' own loss (2.3 e^(-step/100)), not the lagging running mean
  const last = curve[curve.length - 1];
  assert.ok(last < 0.5 && last > 2.3 * Math.exp(-2), `smoothed loss ${last}`);
  assert.ok(progress.epochs[0].loss > 0.9, "the running mean lags far behind");
  for (let i = 1; i < curve.length; i++) assert.ok(curve[i] < curve[i - 1]);
  assert.equal(progress.accuracyPoints.length, 0, "no test accuracy before the epoch ends");
  const ended = applyTrainEvent(progress, {
    type: "epoch-end",
    epoch: 1,
    epochs: 5,
    loss: 0.6,
    trainAccuracy: 0.9,
    testAccuracy: 0.95,
    testLoss: 0.2,
    seconds: 1,
    samplesPerSecond: 1,
  });
  assert.deepEqual(ended.accuracyPoints, [{ epoch: 1, accuracy: 0.95 }]);
});

Deno.test("renderTrainProgress: the chart is there during the first epoch, the panel beside it", () => {
  const panel: TrainPanel = {
    batch: 300,
    tiles: Array.from({ length: 8 }, (_, u) => new Float32Array(784).map((_, i) => (i % 28) - u)),
    tileSide: 28,
    conv: false,
    layers: [
      { layer: 0, name: "dense256", gradientNorm: 0.42, weightNorm: 9, updateRatio: 0.0031 },
      { layer: 1, name: "dense10 softmax", gradientNorm: 0.2, weightNorm: 2, updateRatio: 0.002 },
    ],
  };
  for (const [width, height] of [[80, 18], [160, 45]]) {
    const lines = renderTrainProgress({ ...firstEpoch(100), panel }, {
      width,
      height,
      color: "256",
    });
    const text = lines.map(stripAnsi).join("\n");
    assert.match(text, /━━ loss/, `${width}x${height}: the chart, before any epoch ended`);
    assert.doesNotMatch(text, /test acc/, "no accuracy line before there is one");
    assert.match(text, /┤.*layer 1 weights, batch 300/);
    assert.match(text, /dense256 +grad 0\.42 upd(ate)? 3\.1e-3/);
    assert.match(text, /dense10 +grad 0\.20/);
    assert.match(text, /▀▀▀▀▀▀▀/, "weight tiles");
    assert.ok(lines.length <= height);
    for (const line of lines) assert.ok(visibleWidth(line) <= width, line);
  }
});

Deno.test("train screen: a panel message shows beside the chart and is remembered for Inspect", () => {
  const screen = trainScreen({
    modelFlag: "m.safetensors",
    model: () => {
      throw new Error("unused");
    },
    reloadModel: () => Promise.reject(new Error("unused")),
    data: () => Promise.resolve(DATA),
  });
  const panel: TrainPanel = {
    batch: 600,
    tiles: [new Float32Array(784).fill(0.2)],
    tileSide: 28,
    conv: false,
    layers: [{ layer: 0, name: "dense256", gradientNorm: 0.5, weightNorm: 9, updateRatio: 0.001 }],
  };
  const batches = firstEpoch(60);
  const events: Message<TrainMessage>[] = [];
  // replay the same events through the screen
  let sum = 0;
  events.push(
    work({
      type: "event",
      event: { type: "epoch-start", epoch: 1, epochs: 5, steps: 938, firstStep: 0 },
    }),
  );
  for (let step = 1; step <= 60; step++) {
    sum += 2.3 * Math.exp(-step / 100);
    events.push(work({
      type: "event",
      event: {
        type: "batch",
        epoch: 1,
        epochs: 5,
        step,
        steps: 938,
        loss: sum / step,
        accuracy: 0.5,
        learningRate: 0.003,
        elapsedMs: step,
      },
    }));
  }
  const run = simulate(screen, [
    work({ type: "loaded", data: DATA }),
    ...EPOCHS_2,
    "enter",
    work({
      type: "session",
      notes: ["Training 784-256-10"],
      lossPoints: [],
      accuracyPoints: [],
    }),
    ...events,
    work({ type: "panel", panel }),
  ]);
  assert.equal(run.state.phase.name, "training");
  assert.deepEqual(
    run.state.phase.name === "training" ? run.state.phase.progress.lossPoints : [],
    batches.lossPoints,
  );
  assert.match(run.view.body.map(stripAnsi).join("\n"), /layer 1 weights, batch 600/);
  assert.deepEqual(run.remembered, {
    training: { model: "m.safetensors", layers: panel.layers },
  });
});
