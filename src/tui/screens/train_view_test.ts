import assert from "node:assert/strict";
import { visibleWidth } from "../../text/layout.ts";
import { applyTrainEvent, type TrainProgress } from "./train_progress.ts";
import { renderTrainProgress } from "./train_view.ts";

function run(epochs: number, stepsDoneInLast: number): TrainProgress {
  let progress: TrainProgress = {
    notes: ["Training 784-256-10"],
    epochs: [],
    lossPoints: [],
    accuracyPoints: [],
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
  assert.match(roomy, /loss \(smoothed\) \(left\)/); // the chart
  assert.match(roomy, /0 +1 +2 +3 +4 +5 +6 +7 +8 +9 +10( epochs)?$/m); // on an axis of epochs
  // A few epochs on a large terminal: the chart fills the rows they leave.
  const tall = renderTrainProgress(run(3, 100), { width: 160, height: 45, color: "none" });
  assert.equal(tall.length, 45);
  assert.match(tall.at(-1)!, /loss \(smoothed\) \(left\)/);
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
