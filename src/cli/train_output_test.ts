import assert from "node:assert/strict";
import type { TrainEvent } from "../train/mod.ts";
import type { CommandIo } from "./io.ts";
import {
  epochSummary,
  jsonTrainRenderer,
  liveTrainRenderer,
  plainTrainRenderer,
} from "./train_output.ts";

/** An io that keeps what is written, as a terminal of `columns` or a pipe. */
function capture(isTerminal: boolean, columns = 80) {
  const out: string[] = [];
  const io: CommandIo = {
    write: (text) => out.push(text),
    warn: (line) => out.push(`stderr: ${line}\n`),
    isTerminal,
    color: "none",
    columns,
  };
  return { io, text: () => out.join(""), out };
}

/** One epoch of 3 batches as the training loop reports it. */
function epochEvents(epoch: number, epochs: number): TrainEvent[] {
  const batch = (step: number, loss: number, accuracy: number): TrainEvent => ({
    type: "batch",
    epoch,
    epochs,
    step,
    steps: 3,
    loss,
    accuracy,
    learningRate: 0.003,
    elapsedMs: step * 20,
  });
  return [
    { type: "epoch-start", epoch, epochs, steps: 3, firstStep: 0 },
    batch(1, 2.3, 0.1),
    batch(2, 1.15, 0.55),
    batch(3, 0.5, 0.75),
    {
      type: "epoch-end",
      epoch,
      epochs,
      loss: 0.123456789,
      trainAccuracy: 0.96543219,
      testAccuracy: 0.9712,
      testLoss: 0.1,
      seconds: 1.23456,
      samplesPerSecond: 48612.7,
    },
  ];
}

Deno.test("--json: one object per finished epoch with the documented keys, rounded", () => {
  const { io, out } = capture(false);
  const render = jsonTrainRenderer(io);
  for (const event of [...epochEvents(1, 2), ...epochEvents(2, 2)]) render(event);
  assert.equal(out.length, 2);
  assert.ok(out.every((line) => line.endsWith("}\n") && !line.slice(0, -1).includes("\n")));
  assert.deepEqual(JSON.parse(out[0]), {
    event: "epoch",
    epoch: 1,
    epochs: 2,
    loss: 0.123457,
    trainAccuracy: 0.965432,
    testAccuracy: 0.9712,
    seconds: 1.235,
    samplesPerSecond: 48613,
  });
  assert.equal(JSON.parse(out[1]).epoch, 2);
});

Deno.test("plain output: one summary line per epoch, nothing per batch", () => {
  const { io, text } = capture(false);
  const render = plainTrainRenderer(io);
  for (const event of [...epochEvents(1, 2), ...epochEvents(2, 2)]) render(event);
  assert.equal(
    text(),
    "Epoch 1/2 - 1.2s - loss: 0.1235 - accuracy: 0.9654 - test accuracy: 97.12% - 48,613 samples/s\n" +
      "Epoch 2/2 - 1.2s - loss: 0.1235 - accuracy: 0.9654 - test accuracy: 97.12% - 48,613 samples/s\n",
  );
  const end = epochEvents(1, 2)[4] as Extract<TrainEvent, { type: "epoch-end" }>;
  assert.equal(epochSummary(end) + "\n", text().split("\n")[0] + "\n");
});

Deno.test("live output: a progress line redrawn in place, throttled, then the test accuracy", () => {
  const { io, out } = capture(true, 80);
  let clockMs = 0;
  const render = liveTrainRenderer(io, () => clockMs);
  const events = epochEvents(1, 5);
  render(events[0]);
  assert.deepEqual(out, ["Epoch 1/5\n"]);
  render(events[1]); // the first batch is drawn
  clockMs = 10;
  render(events[2]); // 10 ms later: skipped
  assert.equal(out.length, 2);
  assert.match(out[1], /^\r {2}1\/3 [━─]+ ETA 0s 20ms\/step - loss: 2\.3000 - accuracy: 0\.1000$/);
  clockMs = 20;
  render(events[3]); // the last batch is always drawn
  assert.equal(out.length, 3);
  const last = out[2];
  assert.match(last, /^\r {2}3\/3 ━+ 0s 20ms\/step - loss: 0\.5000 - accuracy: 0\.7500 *$/);
  // Every redraw fits the terminal (one column spare) and pads over a longer previous line.
  for (const line of out.slice(1)) assert.ok(line.length - 1 <= 79, JSON.stringify(line));
  assert.ok(last.length >= out[1].length);
  render(events[4]);
  assert.equal(out[3], "\n  test accuracy: 97.12% - 48,613 samples/s\n");
  // The next epoch starts on a clean line.
  render(epochEvents(2, 5)[0]);
  assert.equal(out[4], "Epoch 2/5\n");
});

Deno.test("live output: a narrow terminal drops metrics rather than wrap", () => {
  const { io, out } = capture(true, 50);
  const render = liveTrainRenderer(io, () => 0);
  for (const event of epochEvents(1, 1).slice(0, 2)) render(event);
  assert.equal(out[1], "\r  1/3 ━━━──────── ETA 0s 20ms/step - loss: 2.3000"); // no accuracy
  assert.ok(out[1].length - 1 <= 49);
});

Deno.test("live output: an epoch with no batch drawn ends without an empty line", () => {
  const { io, text } = capture(true);
  const render = liveTrainRenderer(io, () => 0);
  const events = epochEvents(3, 3);
  render(events[0]);
  render(events[4]); // resumed at the end of an epoch: no batches ran
  assert.equal(text(), "Epoch 3/3\n  test accuracy: 97.12% - 48,613 samples/s\n");
});
