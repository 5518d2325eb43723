import assert from "node:assert/strict";
import { loadModelOrRandom } from "../../../app/load_model.ts";
import type { Dataset, MnistData } from "../../../data/dataset.ts";
import { readIdxDataset } from "../../../data/idx.ts";
import { loadMnist } from "../../../data/load.ts";
import { MNIST_FILES } from "../../../data/locate.ts";
import { evaluateNetwork, type Evaluation } from "../../../train/evaluate.ts";
import { emptyConfusion } from "../../../train/metrics.ts";
import { count, percent } from "../../../text/format.ts";
import { visibleWidth } from "../../../text/layout.ts";
import type { Work } from "../screen_loop.ts";
import { frameOf, simulate } from "../screen_loop_testing.ts";
import { renderTestReport, type TestMessage, type TestReport, testScreen } from "./test.ts";

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

// The screen on the loop: real data (the first 1,200 MNIST test digits), the shipped model.
const MNIST_DIR = Deno.env.get("MNIST_DIR") ??
  new URL("../../../../../shared/mnist", import.meta.url)
    .pathname;
const realTest: Dataset = await (async () => {
  const full = await readIdxDataset(
    `${MNIST_DIR}/t10k-images-idx3-ubyte.gz`,
    `${MNIST_DIR}/t10k-labels-idx1-ubyte.gz`,
  );
  const count = 1200;
  return { pixels: full.pixels.slice(0, count * 784), labels: full.labels.slice(0, count), count };
})();
const shipped = await loadModelOrRandom(
  new URL("../../../../models/pretrained.safetensors", import.meta.url).pathname,
);
const realContext = {
  model: () => shipped,
  data: () =>
    Promise.resolve<MnistData>({
      train: realTest,
      test: realTest,
      source: "mnist",
      description: "first 1,200 MNIST test digits",
    }),
};

/** Runs the screen's work to its end, collecting what it sends. */
async function runWork(
  work: Work<TestMessage>,
  signal = new AbortController().signal,
): Promise<TestMessage[]> {
  const sent: TestMessage[] = [];
  await work.run((message) => sent.push(message), signal);
  return sent;
}

const escaped = (text: string) => text.replace(/[.()]/g, "\\$&");
const asMessages = (sent: TestMessage[]) =>
  sent.map((message) => ({ type: "work" as const, message }));

Deno.test("test screen: the work reports progress, then a report equal to evaluateNetwork", async () => {
  const start = simulate(testScreen(realContext), []);
  assert.match(start.view.body.join("\n"), /Loading the data/);
  const work = start.steps[0].work ?? [];
  assert.equal(work.length, 1);
  const sent = await runWork(work[0]);
  const progress = sent.filter((m) => m.type === "progress");
  assert.deepEqual(progress.map((m) => m.done), [0, 500, 1000, 1200]);
  assert.ok(progress.every((m) => m.total === 1200));
  const last = sent[sent.length - 1];
  assert.equal(last.type, "report");
  const whole = evaluateNetwork(shipped.network, realTest);
  assert.equal(last.report.evaluation.correct, whole.correct);
  assert.deepEqual(last.report.evaluation.confusion, whole.confusion);
  assert.deepEqual(last.report.evaluation.predictions, whole.predictions);
  assert.ok(whole.accuracy > 0.95, `the shipped model gets ${whole.accuracy}`);

  // Halfway: the progress bar.
  const halfway = simulate(testScreen(realContext), asMessages(sent.slice(0, 2)));
  assert.match(halfway.view.body.join("\n"), /Evaluating on 1,200 test digits…\n\n.*500\/1200/);
  assert.match(halfway.view.footer, /Esc or q cancel/);

  // The end: the report, scrollable, at 80x24.
  const done = simulate(testScreen(realContext), asMessages(sent));
  const top = done.view.body.join("\n");
  assert.match(
    top,
    new RegExp(`Accuracy ${escaped(percent(whole.accuracy))} +\\(${count(whole.correct)} of 1,200`),
  );
  assert.match(done.view.footer, /Esc back · ↑\/↓ PgUp\/PgDn scroll · lines 1-20 of \d+/);
  const end = simulate(testScreen(realContext), [...asMessages(sent), "end"]);
  assert.match(end.view.body.join("\n"), /\d → \d \(\d+%\)/, "the misclassified digits at the end");
  const total = Number(/of (\d+)$/.exec(end.view.footer)?.[1]);
  assert.match(end.view.footer, new RegExp(`lines ${total - 19}-${total} of ${total}`));
  // Up from the end moves at once (the offset stays clamped to a full window).
  const up = simulate(testScreen(realContext), [...asMessages(sent), "end", "up"]);
  assert.match(up.view.footer, new RegExp(`lines ${total - 20}-${total - 1} of ${total}`));
  const home = simulate(testScreen(realContext), [...asMessages(sent), "end", "home"]);
  assert.deepEqual(home.view.body, done.view.body);
  // Wide and tall: the metrics beside the table, and more rows of mistakes.
  const wide = simulate(testScreen(realContext), asMessages(sent), { columns: 160, rows: 50 });
  assert.ok(wide.view.body.some((line) => /│ +total +digit +precision/.test(line)));
  assert.ok(wide.state.lines.length > 0);
  for (const line of wide.view.body) assert.ok(visibleWidth(line) <= 160);
});

Deno.test("test screen: Esc and q leave while loading and while evaluating", () => {
  const progress = {
    type: "work" as const,
    message: { type: "progress" as const, done: 500, total: 1200, elapsedMs: 5 },
  };
  for (const key of ["escape", "q", "ctrl+c"]) {
    assert.ok(simulate(testScreen(realContext), [key]).exit, `${key} while loading`);
    assert.ok(simulate(testScreen(realContext), [progress, key]).exit, `${key} while evaluating`);
  }
  // Other keys do nothing before the report (no scrolling a progress bar).
  const run = simulate(testScreen(realContext), [progress, "down", "end"]);
  assert.equal(run.exit, undefined);
  assert.equal(run.state.offset, 0);
});

Deno.test("test screen: an aborted evaluation stops without a report", async () => {
  const work = testScreen(realContext).init().work![0];
  const abort = new AbortController();
  const sent: TestMessage[] = [];
  await work.run((message) => {
    sent.push(message);
    if (message.type === "progress" && message.done >= 500) abort.abort();
  }, abort.signal);
  assert.deepEqual(sent.map((m) => m.type), ["progress", "progress"]);
});

Deno.test("test screen: a damaged data file is shown in place; Esc goes back", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const name of MNIST_FILES) {
      await Deno.copyFile(`${MNIST_DIR}/${name}.gz`, `${dir}/${name}.gz`);
    }
    const images = await Deno.readFile(`${MNIST_DIR}/t10k-images-idx3-ubyte.gz`);
    await Deno.writeFile(`${dir}/t10k-images-idx3-ubyte.gz`, images.slice(0, 5000));
    const context = { model: () => shipped, data: () => loadMnist({ dataDir: dir }) };
    const screen = testScreen(context);
    const error = await runWork(screen.init().work![0]).then(() => undefined, (e) => e);
    assert.ok(error, "the work fails");
    const failed = simulate(screen, [{ type: "work-failed", id: "evaluate", error }]);
    const text = failed.view.body.join("\n");
    assert.match(text, /^Cannot test: .*t10k-images-idx3-ubyte\.gz/);
    assert.equal(failed.view.footer, "Esc back");
    for (const line of failed.view.body) assert.ok(visibleWidth(line) <= 80);
    assert.ok(
      simulate(screen, [{ type: "work-failed", id: "evaluate", error }, "escape"]).exit,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("test screen: leaving while the data loads ends the work at once", async () => {
  let finish!: (data: MnistData) => void;
  const slow = { model: () => shipped, data: () => new Promise<MnistData>((r) => (finish = r)) };
  const abort = new AbortController();
  const sent: TestMessage[] = [];
  const running = testScreen(slow).init().work![0].run((m) => sent.push(m), abort.signal);
  abort.abort();
  await running; // would hang here if the work waited for the data
  assert.deepEqual(sent, []);
  finish(await realContext.data());
});

Deno.test("test screen: a resize renders the report again for the new width", async () => {
  const sent = await runWork(testScreen(realContext).init().work![0]);
  const frame = frameOf({ columns: 160, rows: 50 });
  const run = simulate(testScreen(realContext), [...asMessages(sent), { type: "resize", frame }]);
  assert.ok(run.state.lines.some((line) => /│ +total +digit +precision/.test(line)));
  assert.ok(run.state.lines.some((line) => visibleWidth(line) > 80));
  for (const line of run.state.lines) assert.ok(visibleWidth(line) <= 160);
});
