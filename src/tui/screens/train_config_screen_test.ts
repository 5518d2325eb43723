/**
 * The Train screen loads a training configuration file into its form: `l` (or Ctrl-O), a path,
 * Enter; the file is read as background work (the real readTrainConfig on the shipped
 * examples) and its values land in the fields, or its refusal shows in the status line.
 */
import assert from "node:assert/strict";
import type { MnistData } from "../../data/dataset.ts";
import type { Message, Step, Work } from "../screen_loop.ts";
import { simulate } from "../screen_loop_testing.ts";
import { type TrainMessage, trainScreen, type TrainState } from "./train.ts";

const EXAMPLES = new URL("../../../examples/", import.meta.url).pathname;
const blank = (count: number) => ({
  pixels: new Uint8Array(count * 784),
  labels: new Uint8Array(count),
  count,
});
const DATA: MnistData = {
  train: blank(100),
  test: blank(10),
  source: "sample",
  description: "blank digits",
};
const screen = trainScreen({
  modelFlag: "m.safetensors",
  model: () => {
    throw new Error("unused");
  },
  reloadModel: () => Promise.reject(new Error("unused")),
  data: () => Promise.resolve(DATA),
});
const work = (message: TrainMessage): Message<TrainMessage> => ({ type: "work", message });
const loaded = work({ type: "loaded", data: DATA });
const configWork = (steps: Step<TrainState, TrainMessage, void>[]) =>
  steps.flatMap((step) => step.work ?? []).find((w) => w.id === "config");

async function runWork(job: Work<TrainMessage>): Promise<TrainMessage[]> {
  const sent: TrainMessage[] = [];
  await job.run((message) => sent.push(message), new AbortController().signal);
  return sent;
}

/** Keys that open the prompt on the Activation field (a choice), type `path` and press Enter. */
const loadKeys = (path: string) => ["down", "l", ...path.split(""), "enter"];

Deno.test("train screen: l, a config file's path and Enter fill the form from the file", async () => {
  const path = `${EXAMPLES}quick.json`;
  const typing = simulate(screen, [loaded, "down", "l", "q"]);
  assert.equal(screen.typing?.(typing.state), true, "q is a letter in the path");
  assert.match(typing.view.status?.text ?? "", /Load a config file .*: q/);

  const asked = simulate(screen, [loaded, ...loadKeys(path)]);
  const job = configWork(asked.steps);
  assert.ok(job, "Enter reads the file in the background");
  const sent = await runWork(job);
  assert.deepEqual(sent.map((m) => m.type), ["config"]);
  const done = simulate(screen, [loaded, ...loadKeys(path), work(sent[0])]);
  const body = done.view.body.join("\n");
  assert.match(body, /Hidden layers +64/);
  assert.match(body, /Epochs +2/);
  assert.match(body, /Batch size +128/);
  assert.match(body, /Training digits +5000/);
  assert.equal(
    done.view.status?.text,
    `${path}: set Hidden layers, Epochs, Batch size, Training digits, Seed`,
  );
  assert.equal(done.state.phase.name, "form", "it waits for Enter to train");
});

Deno.test("train screen: a bad config file is refused in the status line; Esc closes the prompt", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/run.json`;
    await Deno.writeTextFile(path, '{"batch": 0}');
    const asked = simulate(screen, [loaded, ...loadKeys(path)]);
    const [message] = await runWork(configWork(asked.steps)!);
    const refused = simulate(screen, [loaded, ...loadKeys(path), work(message)]);
    assert.equal(refused.view.status?.error, true);
    assert.match(refused.view.status?.text ?? "", /"batch": expected a whole number from 1 to/);
    assert.match(refused.view.body.join("\n"), /Batch size +64/, "the form is unchanged");

    const escaped = simulate(screen, [loaded, "down", "l", "x", "escape"]);
    assert.equal(escaped.exit, undefined, "Esc on the prompt stays on the screen");
    assert.equal(escaped.view.status, undefined);
    assert.equal(simulate(screen, [loaded, "down", "escape"]).exit !== undefined, true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
