/**
 * Every screen's `update` and `view` are pure: the same state and message give equal results
 * twice, and neither reads nor writes the app context (what a screen keeps for later goes
 * out as `Step.remember`, what it needs comes in through `init` and its work). Each screen
 * is driven through its phases with the messages its own work sends (run here as the loop
 * runs it), and every update and view on the way is checked.
 */
import assert from "node:assert/strict";
import { Network } from "../../network/network.ts";
import { PANEL_EVERY } from "../../network/weight_tiles.ts";
import type { TrainEvent } from "../../train/trainer.ts";
import { syntheticMnist } from "../../train/test_data.ts";
import type { AppContext, ScreenMemory } from "../context.ts";
import type { Message, ScreenProgram, Step, View, Work } from "../screen_loop.ts";
import { frameOf, key } from "../screen_loop_testing.ts";
import { menuScreen } from "../run_menu.ts";
import { browseScreen } from "./browse.ts";
import { classifyScreen } from "./classify.ts";
import { dataPromptScreen } from "./data_prompt.ts";
import { drawScreen } from "./draw.ts";
import { infoScreen } from "./info.ts";
import { modelChoiceScreen } from "./model_choice.ts";
import { runsScreen } from "./runs.ts";
import { inspectScreen } from "./inspect.ts";
import { testScreen } from "./test.ts";
import { type TrainMessage, trainScreen } from "./train.ts";

const data = syntheticMnist(40, 60);
const network = new Network({ layerSizes: [784, 12, 10], activation: "relu" }, { seed: 3 });

/**
 * A context that counts what is read of it while `locked`: the screens may use it in `init`
 * and in their work, never in `update` or `view`.
 */
function watchedContext(memory: ScreenMemory = {}) {
  const touched: string[] = [];
  const watch = { locked: false };
  const context: AppContext = {
    color: "none",
    modelFlag: `${Deno.makeTempDirSync()}/purity.safetensors`,
    model: () => ({ network, random: true }),
    reloadModel: () => Promise.resolve({ network, random: true }),
    useModel: () => Promise.resolve({ network, random: true }),
    data: () => Promise.resolve(data),
    useSample: () => {},
    memory,
  };
  const proxy = new Proxy(context, {
    get(target, name, receiver) {
      if (watch.locked) touched.push(String(name));
      return Reflect.get(target, name, receiver);
    },
    set(target, name, value, receiver) {
      touched.push(`set ${String(name)}`);
      return Reflect.set(target, name, value, receiver);
    },
  });
  return { context: proxy, touched, watch, memory };
}

/** A step with its work as ids (work is a closure: what it does is checked by running it). */
function comparable<S, W, R>(step: Step<S, W, R>) {
  return { ...step, work: step.work?.map((work) => work.id) };
}

/**
 * Drives `program` through `inputs` (keys by name, or messages), running the work whose id is
 * in `run` and feeding its messages back; checks every update and view on the way.
 */
async function assertPure<S, W, R>(
  name: string,
  program: ScreenProgram<S, W, R>,
  inputs: (string | Message<W>)[],
  options: { run?: string[]; watched?: ReturnType<typeof watchedContext> } = {},
): Promise<{ updates: number; state: S; view: View }> {
  const frame = frameOf({ columns: 100, rows: 30 });
  const watched = options.watched;
  const memoryBefore = JSON.stringify(watched?.memory ?? {});
  let updates = 0;
  let state!: S;
  const pending: Work<W>[] = [];
  const checked = (call: () => unknown, what: string) => {
    if (watched) watched.watch.locked = true;
    try {
      const first = call();
      const second = call();
      assert.deepEqual(second, first, `${name}: ${what} twice gives the same`);
      return first;
    } finally {
      if (watched) watched.watch.locked = false;
      assert.deepEqual(watched?.touched ?? [], [], `${name}: ${what} touched the context`);
    }
  };
  const take = (step: Step<S, W, R>) => {
    state = step.state;
    checked(() => program.view(state, frame), "view");
    for (const work of step.work ?? []) if (options.run?.includes(work.id)) pending.push(work);
  };
  const update = (message: Message<W>) => {
    updates++;
    checked(() => comparable(program.update(state, message)), `update(${message.type})`);
    take(program.update(state, message));
  };
  const settle = async () => {
    while (pending.length > 0) {
      const sent: W[] = [];
      await pending.shift()!.run((message) => sent.push(message), new AbortController().signal);
      for (const message of sent) update({ type: "work", message });
    }
  };
  take(program.init());
  update({ type: "resize", frame });
  await settle();
  for (const input of inputs) {
    if (typeof input !== "string") update(input);
    else if (input === "escape") update({ type: "back" });
    else update({ type: "input", event: key(input) });
    await settle();
  }
  assert.equal(JSON.stringify(watched?.memory ?? {}), memoryBefore, `${name}: memory written`);
  return { updates, state, view: program.view(state, frame) };
}

const work = <W>(message: W): Message<W> => ({ type: "work", message });

Deno.test("the menu and the data prompt: pure update and view", async () => {
  await assertPure("menu", menuScreen(0), ["down", "j", "up", "enter"]);
  const prompt = dataPromptScreen("MNIST data not found: ./nowhere does not exist", "./nowhere");
  await assertPure("data prompt", prompt, [
    "x",
    "f",
    work({ type: "fetch", event: { kind: "skipped", file: "a.gz", path: "a" }, atMs: 1 }),
    { type: "tick", nowMs: 2 },
    work({ type: "failed", reason: "offline", cancelled: false }),
    "escape",
  ]);
});

Deno.test("Runs and Model: pure update and view", async () => {
  const watched = watchedContext();
  await assertPure("runs", runsScreen(watched.context), [" ", "down", "up", " ", "escape"], {
    watched,
    run: ["list"],
  });
  const chooser = watchedContext();
  await assertPure("model", modelChoiceScreen(chooser.context), ["down", "up", "escape"], {
    watched: chooser,
    run: ["list"],
  });
});

Deno.test("Model info: pure update and view", async () => {
  const watched = watchedContext();
  await assertPure("info", infoScreen(watched.context), ["down", "pagedown", "escape"], {
    watched,
  });
});

Deno.test("Train: pure update and view, from the form through training to its outcome", async () => {
  const watched = watchedContext();
  const layers = [{
    layer: 0,
    name: "dense12",
    gradientNorm: 0.5,
    weightNorm: 3,
    updateRatio: 1e-3,
  }];
  const event = (e: TrainEvent) => work<TrainMessage>({ type: "event", event: e });
  const batch = (step: number) =>
    event({
      type: "batch",
      epoch: 1,
      epochs: 1,
      step,
      steps: 2,
      loss: 2 / step,
      accuracy: 0.3,
      learningRate: 0.01,
      elapsedMs: step,
    });
  const run = await assertPure("train", trainScreen(watched.context), [
    "down",
    "l", // the config prompt, then Esc closes it
    "escape",
    "up",
    "enter", // start: the training work is started (not run here)
    work({ type: "session", notes: ["Training"], lossPoints: [], accuracyPoints: [] }),
    event({ type: "epoch-start", epoch: 1, epochs: 1, steps: 2, firstStep: 0 }),
    batch(1),
    work({
      type: "panel",
      panel: { batch: PANEL_EVERY, tiles: [], tileSide: 28, conv: false, layers },
    }),
    batch(2),
    event({
      type: "epoch-end",
      epoch: 1,
      epochs: 1,
      loss: 1,
      trainAccuracy: 0.4,
      testAccuracy: 0.5,
      testLoss: 1.2,
      seconds: 1,
      samplesPerSecond: 40,
    }),
    work({
      type: "outcome",
      result: {
        status: "completed",
        position: { epochsDone: 1, stepInEpoch: 0 },
        testAccuracy: 0.5,
      },
    }),
    "enter",
  ], { run: ["load"], watched });
  assert.match(run.view.status?.text ?? "", /^Done: 1 epoch/);
});

Deno.test("Test: pure update and view while evaluating and over the report", async () => {
  const watched = watchedContext();
  const run = await assertPure(
    "test",
    testScreen(watched.context),
    ["down", "right", "enter", "right", "escape", "end", "k", "home"],
    { run: ["evaluate"], watched },
  );
  assert.match(run.view.body.join("\n"), /^Accuracy/);
});

Deno.test("Draw: pure update and view, strokes and the wide canvas included", async () => {
  const watched = watchedContext();
  await assertPure("draw", drawScreen(watched.context), [
    " ",
    "down",
    "down",
    "right",
    " ",
    "s",
    "u",
    "w",
    "c",
    "escape",
  ], { watched });
});

Deno.test("Classify: pure update and view, opening a folder and stepping through it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.copyFile("src/image/testdata/ring_baseline.jpg", `${dir}/a.jpg`);
    await Deno.copyFile("src/image/testdata/ring_baseline.jpg", `${dir}/b.jpg`);
    const watched = watchedContext();
    const typed = [...dir].map((c) => c === " " ? " " : c);
    const run = await assertPure(
      "classify",
      classifyScreen(watched.context),
      [...typed, "tab", "enter", "right", "n", "left", "tab", "escape"],
      { run: ["open", "classify", "complete"], watched },
    );
    assert.equal(run.state.files.length, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Browse: pure update and view, paging with the guesses its work makes", async () => {
  const watched = watchedContext();
  const run = await assertPure(
    "browse",
    browseScreen(watched.context),
    ["right", "pagedown", "t", "3", "g", "5", "enter", "a", "escape"],
    { run: ["data", "guess"], watched },
  );
  assert.match(run.view.body.join("\n"), /[✓✗]/);
});

Deno.test("Inspect: pure update and view on every page, explanations made by work", async () => {
  const watched = watchedContext({ drawing: new Float32Array(784).fill(0.1) });
  const run = await assertPure("inspect", inspectScreen(watched.context), [
    "right",
    "enter",
    "escape",
    "2",
    "right",
    "t",
    "g",
    "7",
    "enter",
    "d",
    "3",
    "tab",
  ], { run: ["measure", "explain"], watched });
  assert.equal(run.state.page, "weights");
  assert.ok(run.state.reports.size >= 3, "the digits shown were explained");
});
