import assert from "node:assert/strict";
import { loadModelOrRandom } from "../../app/load_model.ts";
import type { Dataset, MnistData } from "../../data/dataset.ts";
import { readIdxDataset } from "../../data/idx.ts";
import { loadMnist } from "../../data/load.ts";
import { MNIST_FILES } from "../../data/locate.ts";
import { evaluateNetwork, type Evaluation } from "../../train/evaluate.ts";
import { emptyConfusion } from "../../train/metrics.ts";
import { count, percent } from "../../text/format.ts";
import { visibleWidth } from "../../text/layout.ts";
import { MNIST_DIR, SHIPPED_MODEL, skipUnless } from "../../../tests/env.ts";
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
const ignore = skipUnless(import.meta, "mnist");
const realTest: Dataset = ignore
  ? { pixels: new Uint8Array(), labels: new Uint8Array(), count: 0 }
  : await (async () => {
    const full = await readIdxDataset(
      `${MNIST_DIR}/t10k-images-idx3-ubyte.gz`,
      `${MNIST_DIR}/t10k-labels-idx1-ubyte.gz`,
    );
    const count = 1200;
    return {
      pixels: full.pixels.slice(0, count * 784),
      labels: full.labels.slice(0, count),
      count,
    };
  })();
const shipped = await loadModelOrRandom(SHIPPED_MODEL);
assert.equal(shipped.random, false, `${SHIPPED_MODEL} is missing`);
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

Deno.test({
  name: "test screen: the work reports progress, then a report equal to evaluateNetwork",
  ignore,
  fn: async () => {
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
      new RegExp(
        `Accuracy ${escaped(percent(whole.accuracy))} +\\(${count(whole.correct)} of 1,200`,
      ),
    );
    assert.match(
      done.view.footer,
      /Esc back · arrows cell · Enter mistakes · j\/k PgUp\/PgDn · lines 1-20 of \d+/,
    );
    const end = simulate(testScreen(realContext), [...asMessages(sent), "end"]);
    assert.match(
      end.view.body.join("\n"),
      /\d → \d \(\d+%\)/,
      "the misclassified digits at the end",
    );
    const total = Number(/of (\d+)$/.exec(end.view.footer)?.[1]);
    assert.match(end.view.footer, new RegExp(`lines ${total - 19}-${total} of ${total}`));
    // k (up a line) from the end moves at once (the offset stays clamped to a full window).
    const up = simulate(testScreen(realContext), [...asMessages(sent), "end", "k"]);
    assert.match(up.view.footer, new RegExp(`lines ${total - 20}-${total - 1} of ${total}`));
    const home = simulate(testScreen(realContext), [...asMessages(sent), "end", "home"]);
    assert.deepEqual(home.view.body, done.view.body);
    // Wide and tall: the metrics beside the table, and more rows of mistakes.
    const wide = simulate(testScreen(realContext), asMessages(sent), { columns: 160, rows: 50 });
    assert.ok(wide.view.body.some((line) => /│ +total +digit +precision/.test(line)));
    for (const line of wide.view.body) assert.ok(visibleWidth(line) <= 160);
  },
});

Deno.test({
  name: "test screen: Esc and q leave while loading and while evaluating",
  ignore,
  fn: () => {
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
  },
});

Deno.test({
  name: "test screen: an aborted evaluation stops without a report",
  ignore,
  fn: async () => {
    const work = testScreen(realContext).init().work![0];
    const abort = new AbortController();
    const sent: TestMessage[] = [];
    await work.run((message) => {
      sent.push(message);
      if (message.type === "progress" && message.done >= 500) abort.abort();
    }, abort.signal);
    assert.deepEqual(sent.map((m) => m.type), ["progress", "progress"]);
  },
});

Deno.test({
  name: "test screen: a damaged data file is shown in place; Esc goes back",
  ignore,
  fn: async () => {
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
  },
});

Deno.test({
  name: "test screen: leaving while the data loads ends the work at once",
  ignore,
  fn: async () => {
    let finish!: (data: MnistData) => void;
    const slow = { model: () => shipped, data: () => new Promise<MnistData>((r) => (finish = r)) };
    const abort = new AbortController();
    const sent: TestMessage[] = [];
    const running = testScreen(slow).init().work![0].run((m) => sent.push(m), abort.signal);
    abort.abort();
    await running; // would hang here if the work waited for the data
    assert.deepEqual(sent, []);
    finish(await realContext.data());
  },
});

Deno.test({
  name: "test screen: a resize renders the report again for the new width",
  ignore,
  fn: async () => {
    const sent = await runWork(testScreen(realContext).init().work![0]);
    const frame = frameOf({ columns: 160, rows: 50 });
    const run = simulate(testScreen(realContext), [...asMessages(sent), { type: "resize", frame }]);
    const body = testScreen(realContext).view(run.state, frame).body;
    assert.ok(body.some((line) => /│ +total +digit +precision/.test(line)));
    assert.ok(body.some((line) => visibleWidth(line) > 80));
    for (const line of body) assert.ok(visibleWidth(line) <= 160);
  },
});

Deno.test({
  name: "test screen: arrows choose a cell of the matrix, Enter pages through exactly its mistakes",
  ignore,
  fn: () => {
    const data = report();
    const screen = testScreen(realContext);
    const done = { type: "work" as const, message: { type: "report" as const, report: data } };
    // the most confused pair is chosen first: 4 taken for 9, twice
    const first = simulate(screen, [done]);
    assert.deepEqual(first.state.cell, { actual: 4, predicted: 9 });
    const table = first.view.body.join("\n");
    assert.match(table, /^ {2}4 .*> {2}2<.*│ +2$/m, "the chosen cell is marked");
    assert.match(table, /Chosen: 4 taken for 9, 2 times · Enter shows them/);
    // arrows move the cell (and wrap around)
    const moved = simulate(screen, [done, "up", "up", "up", "left", "left"]);
    assert.deepEqual(moved.state.cell, { actual: 1, predicted: 7 });
    assert.match(moved.view.body.join("\n"), /Chosen: 1 taken for 7, 0 times/);
    assert.deepEqual(simulate(screen, [done, "right"]).state.cell, { actual: 4, predicted: 0 });
    // Enter: the 4s read as 9s, and only those, each with its confidence
    const mistakes = simulate(screen, [done, "enter"]);
    const text = mistakes.view.body.join("\n");
    assert.match(text, /^4 taken for 9: 2 digits · each with how sure the network was/);
    assert.match(text, /#4 · 75% sure it is a 9/);
    assert.match(text, /#14 · 75% sure it is a 9/);
    assert.doesNotMatch(text, /#7 /, "the 7 taken for a 1 is another cell");
    assert.match(mistakes.view.footer, /←\/→ or PgUp\/PgDn page · Esc back to the report/);
    // Esc goes back to the report, a second Esc leaves
    const back = simulate(screen, [done, "enter", "escape"]);
    assert.equal(back.exit, undefined);
    assert.match(back.view.body.join("\n"), /Chosen: 4 taken for 9/);
    assert.ok(simulate(screen, [done, "enter", "escape", "escape"]).exit);
    // Enter on a cell without mistakes, or on the diagonal, stays on the report
    assert.equal(simulate(screen, [done, "left", "enter"]).state.mistakes, undefined);
    const diagonal = simulate(screen, [done, "left", "left", "left", "left", "left", "enter"]);
    assert.equal(diagonal.state.mistakes, undefined);
    assert.match(
      diagonal.view.body.join("\n"),
      /Chosen: 4 read as 4, 0 right answers \(choose a cell off the diagonal/,
    );
  },
});

Deno.test({
  name: "test screen: the mistakes of a large cell come in pages",
  ignore,
  fn: () => {
    const count = 30;
    const labels = new Uint8Array(count).fill(3);
    const predictions = new Uint8Array(count).fill(5); // every 3 taken for a 5
    const confusion = emptyConfusion();
    confusion[3][5] = count;
    const evaluation: Evaluation = {
      correct: 0,
      total: count,
      accuracy: 0,
      loss: 3,
      confusion,
      predictions,
      confidences: new Float32Array(count).map((_, i) => i / 100),
    };
    const data = { evaluation, test: { pixels: new Uint8Array(count * 784), labels, count } };
    const done = {
      type: "work" as const,
      message: { type: "report" as const, report: { ...data, random: false, sample: false } },
    };
    const screen = testScreen(realContext);
    const page1 = simulate(screen, [done, "enter"]).view.body.join("\n");
    assert.match(page1, /3 taken for 5: 30 digits · page 1 of 15/); // 2 per page at 80x24
    assert.match(page1, /#0 · 0% sure/);
    const page2 = simulate(screen, [done, "enter", "right"]).view.body.join("\n");
    assert.match(page2, /page 2 of 15[^]*#2 · 2% sure it is a 5/);
    const last = simulate(screen, [done, "enter", "end", "right"]).view.body.join("\n");
    assert.match(last, /page 15 of 15[^]*#29 · 29% sure/);
  },
});

Deno.test("renderTestReport: the reliability diagram says how often each confidence was right", () => {
  const base = report();
  const bins = Array.from({ length: 10 }, (_, k) => ({
    from: k / 10,
    to: (k + 1) / 10,
    confidence: k === 9 ? 0.97 : k === 6 ? 0.65 : (k + 0.5) / 10,
    accuracy: k === 9 ? 0.99 : k === 6 ? 0.5 : 0,
    count: k === 9 ? 15 : k === 6 ? 5 : 0,
  }));
  const calibration = {
    temperature: 0.8,
    ece: 0.0512,
    eceBefore: 0.0734,
    bins,
    binsBefore: bins,
  };
  const text = renderTestReport({ ...base, calibration }, { width: 80, color: "none" }).join("\n");
  assert.match(text, /When it says 90%, it should be right 9 times in 10/);
  assert.match(text, /Calibration error 5\.12% \(temperature 0\.80; 7\.34% without it\)/);
  assert.match(text, / 90-100% █+┃[▏▎▍▌▋▊▉]? +99\.0% +15/);
  assert.match(text, / 60-70% .*50\.0% +5/);
  // Without a calibration (an evaluation made by hand) there is no such section.
  assert.doesNotMatch(renderTestReport(base, { width: 80, color: "none" }).join("\n"), /sure as/);
});
