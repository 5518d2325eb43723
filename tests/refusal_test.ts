/**
 * Issue 17: the shipped model refuses what is not a digit and reads what is, through the
 * `classify` path (tests/refusal_accuracy.ts prints the same figures):
 *
 * - ../shared/not_digits (real non-digits by kind) refused;
 * - the 10,000 MNIST test digits written as PNG files: few refused, accuracy close to `test`'s;
 * - its confidence calibrated: ECE on the test set after temperature scaling.
 *
 * Each test skips with one line when its data is absent (../shared, the MNIST files: tests/env.ts).
 */
import assert from "node:assert/strict";
import { loadMnist } from "../src/data/mod.ts";
import { digitCalibration } from "../src/train/refusal.ts";
import { evaluateOnThreads } from "../src/train/evaluate.ts";
import { evaluateRefusal, formatRefusalReport, NOT_DIGIT_KINDS } from "./refusal_accuracy.ts";
import { loadNetworkModel } from "../src/train/checkpoint.ts";
import { MNIST_DIR, SHIPPED_MODEL as SHIPPED, skipUnless } from "./env.ts";

/**
 * Floors for the shipped model (the README's "Not a digit" has the figures): the issue's, 90% of
 * not_digits refused and every kind at 75%. The shipped model refuses 112/124 (90.3%): doodles
 * 24/28, letters 30/35, photos 33/34, icons 14/16, shapes 11/11.
 */
const NOT_DIGITS_REFUSED = 0.9;
const NOT_DIGITS_KIND_REFUSED = 0.75;
const MNIST_REFUSED = 0.003;
/**
 * The 0.3 point: the shipped model reads 99.38% through `classify` against `test`'s
 * 99.64% (0.26 point: 27 digits refused, 0.27%, and 4 the PNG's normalizing makes it read
 * otherwise). It was 99.31% while the four views' average also named the digit (README, "Not a
 * digit").
 */
const MNIST_ACCURACY_GAP = 0.003;
const ECE_AFTER_SCALING = 0.01;

Deno.test({
  name: "real things that are not digits are refused, every kind",
  ignore: skipUnless(import.meta, "shared/not_digits", "shared/real_digits"),
  fn: async () => {
    const report = await evaluateRefusal(SHIPPED, 0);
    const summary = formatRefusalReport(report).join("; ");
    console.log(summary);
    const all = report.notDigits.all;
    assert.ok(all.total >= 100, summary);
    assert.ok(all.refused >= NOT_DIGITS_REFUSED * all.total, summary);
    for (const kind of NOT_DIGIT_KINDS) {
      const t = report.notDigits[kind];
      assert.ok(t.refused >= NOT_DIGITS_KIND_REFUSED * t.total, `${kind}: ${summary}`);
    }
    // ... while no real digit is refused (tests/real_digits_test.ts holds the accuracy).
    assert.equal(report.realDigits.refused, 0, summary);
  },
});

Deno.test({
  name: "MNIST test digits as PNG files: hardly any refused, accuracy close to test's",
  ignore: skipUnless(import.meta, "mnist", "shared/not_digits", "shared/real_digits"),
  fn: async () => {
    const report = await evaluateRefusal(SHIPPED, 10_000);
    const mnist = report.mnist!;
    const { network } = await loadNetworkModel(SHIPPED);
    const data = await loadMnist({ dataDir: MNIST_DIR });
    const direct = await evaluateOnThreads(network, data.test);
    const summary = `${formatRefusalReport(report).at(-1)}; test ${direct.accuracy}`;
    console.log(summary);
    assert.equal(mnist.total, 10_000);
    assert.ok(mnist.refused <= MNIST_REFUSED * mnist.total, summary);
    assert.ok(mnist.right / mnist.total >= direct.accuracy - MNIST_ACCURACY_GAP, summary);
  },
});

Deno.test({
  name: "the shipped model's confidence is calibrated: ECE under 1% after temperature scaling",
  ignore: skipUnless(import.meta, "mnist"),
  fn: async () => {
    const { network, info } = await loadNetworkModel(SHIPPED);
    assert.ok(info?.calibration, "the shipped model records its calibration");
    assert.equal(network.readout.temperature, info.calibration.temperature);
    const data = await loadMnist({ dataDir: MNIST_DIR });
    const evaluation = await evaluateOnThreads(network, data.test);
    // On what the app shows: for a model read in two parts, the ten digits renormalized.
    const report = digitCalibration(network, evaluation.probabilities!, data.test.labels);
    console.log(`ECE ${report.eceBefore} -> ${report.ece} (T ${report.temperature})`);
    assert.ok(report.ece <= ECE_AFTER_SCALING, `ECE ${report.ece}`);
    // Scaling need not lower it further: the shipped model is 0.18% before and 0.23% after (T
    // 1.77, fitted by likelihood on the held-out digits, not by ECE).
    assert.ok(report.eceBefore <= ECE_AFTER_SCALING, `ECE before scaling ${report.eceBefore}`);
  },
});
