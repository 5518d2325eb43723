import assert from "node:assert/strict";
import { visibleWidth } from "../../../text/layout.ts";
import { applyTrainEvent, commandOf, renderTrainProgress, type TrainProgress } from "./train.ts";

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
  assert.match(roomy, /Epoch 1\/10 {2}test accuracy/);
});

Deno.test("commandOf: the equivalent command line", () => {
  assert.equal(
    commandOf({ modelPath: "x.safetensors", epochs: 3, limit: 500, fresh: true }, "x.safetensors", {
      sample: true,
    }),
    "deno task start train --model x.safetensors --epochs 3 --limit 500 --fresh --sample",
  );
});
