import assert from "node:assert/strict";
import type { Evaluation } from "../../../train/evaluate.ts";
import { emptyConfusion } from "../../../train/metrics.ts";
import { visibleWidth } from "../../../text/layout.ts";
import { renderTestReport, type TestReport } from "./test.ts";

function report(options: { random?: boolean; sample?: boolean } = {}): TestReport {
  const count = 20;
  const labels = new Uint8Array(count).map((_, i) => i % 10);
  const predictions = labels.slice();
  predictions[4] = 9; // a 4 taken for a 9, twice
  predictions[14] = 9;
  predictions[7] = 1;
  const confusion = emptyConfusion();
  labels.forEach((label, i) => confusion[label][predictions[i]]++);
  const evaluation: Evaluation = {
    correct: 17,
    total: count,
    accuracy: 0.85,
    loss: 0.4,
    confusion,
    predictions,
    confidences: new Float32Array(count).fill(0.75),
  };
  const pixels = new Uint8Array(count * 784).fill(0);
  return { evaluation, test: { pixels, labels, count }, random: false, sample: false, ...options };
}

Deno.test("renderTestReport: accuracy, confusion table, metrics, pairs, misclassified gallery", () => {
  const text = renderTestReport(report(), { width: 80, color: "none" }).join("\n");
  assert.match(text, /Accuracy 85\.00% {2}\(17 of 20 test digits right\)/);
  assert.match(text, /rows: true digit, columns: predicted/);
  assert.match(text, /digit +precision +recall +F1 +support/);
  assert.match(text, /4 taken for 9: +2 times/);
  assert.match(text, /Misclassified digits .*first 3 of 3/);
  assert.match(text, /4 → 9 \(75%\)/);
  assert.doesNotMatch(text, /random|SAMPLE/);
});

Deno.test("renderTestReport: warns about a random network and the sample", () => {
  const text = renderTestReport(report({ random: true, sample: true }), {
    width: 80,
    color: "none",
  })
    .join("\n");
  assert.match(text, /network is random \(untrained\): ~10% is the chance baseline/);
  assert.match(text, /offline SAMPLE, not the full MNIST/);
});

Deno.test("renderTestReport: metrics beside the table when wide, never wider than the width", () => {
  for (const width of [80, 160]) {
    const lines = renderTestReport(report(), { width, color: "256" });
    for (const line of lines) {
      assert.ok(visibleWidth(line) <= width, `${visibleWidth(line)} > ${width}`);
    }
  }
  const wide = renderTestReport(report(), { width: 160, color: "none" });
  assert.ok(wide.some((line) => /│ +total +digit +precision/.test(line)));
});
