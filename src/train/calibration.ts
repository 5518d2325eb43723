/**
 * Confidence that means what it says: temperature scaling (Guo et al. 2017, "On Calibration of
 * Modern Neural Networks") and the expected calibration error with its reliability table.
 * A network trained to a low loss is too sure of itself; dividing its logits by one number T
 * fitted on held-out digits (minimizing their negative log-likelihood) makes "90%" right about
 * nine times in ten, without changing any answer (argmax is the same for every T > 0).
 *
 * Pure computation on [rows x classes] arrays of log-probabilities (or logits: softmax is the
 * same for both, since they differ by a constant per row).
 */
import { bestDigit } from "../network/softmax.ts";

/** One bin of a reliability table: the guesses whose confidence fell in it. */
export interface CalibrationBin {
  /** The bin's lower and upper confidence edges, 0..1. */
  from: number;
  to: number;
  /** Mean confidence of the guesses in the bin, 0..1 (the bin's middle when empty). */
  confidence: number;
  /** How often they were right, 0..1 (0 when empty). */
  accuracy: number;
  /** How many guesses fell in it. */
  count: number;
}

/** How well confidences match accuracy: the expected calibration error and its bins. */
export interface ReliabilityTable {
  /** Sum over bins of count/total x |accuracy - confidence|, 0..1. */
  ece: number;
  bins: CalibrationBin[];
}

/**
 * Bins of a reliability table: 10 (Guo et al. used 15), so that each reads as a round
 * "said 90-100%" for a learner.
 */
export const CALIBRATION_BINS = 10;

/**
 * softmax(scores[row] / temperature) into `out` [classes]: the calibrated probabilities of one
 * row of logits or log-probabilities. Returns `out`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { softmaxWithTemperature } from "./calibration.ts";
 *
 * const logits = new Float32Array([2, 0]);
 * const sure = softmaxWithTemperature(logits, 0, 2, 1, new Float32Array(2));
 * const softer = softmaxWithTemperature(logits, 0, 2, 2, new Float32Array(2));
 * assert.ok(softer[0] < sure[0] && softer[0] > 0.5); // same answer, less sure
 * ```
 */
export function softmaxWithTemperature(
  scores: Float32Array,
  row: number,
  classes: number,
  temperature: number,
  out: Float32Array,
): Float32Array {
  const from = row * classes;
  let max = -Infinity;
  for (let c = 0; c < classes; c++) max = Math.max(max, scores[from + c]);
  let sum = 0;
  for (let c = 0; c < classes; c++) {
    const e = Math.exp((scores[from + c] - max) / temperature);
    out[c] = e;
    sum += e;
  }
  for (let c = 0; c < classes; c++) out[c] /= sum;
  return out;
}

/**
 * Mean negative log-likelihood of `labels` under softmax(scores / temperature), over `rows`
 * rows of [rows x classes] scores.
 */
export function meanNll(
  scores: Float32Array,
  labels: Uint8Array,
  classes: number,
  temperature: number,
): number {
  const rows = labels.length;
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const from = r * classes;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, scores[from + c]);
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      // A log-probability of -Infinity (float32 underflow) contributes nothing, as it should.
      sum += Math.exp((scores[from + c] - max) / temperature);
    }
    total += Math.log(sum) - (scores[from + labels[r]] - max) / temperature;
  }
  return rows > 0 ? total / rows : 0;
}

/** The temperatures searched: T from 0.05 to 20, on a log scale. */
const LOG_T_RANGE: [number, number] = [Math.log(0.05), Math.log(20)];

/**
 * The temperature T that minimizes the held-out digits' mean NLL (temperature scaling), by a
 * golden-section search over log T (the NLL is convex in 1/T, so it has one minimum).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitTemperature } from "./calibration.ts";
 *
 * // Logits 4 apart, right 3 times in 4: softmax says 98%, so T > 1 softens them.
 * const logits = new Float32Array([4, 0, 4, 0, 4, 0, 0, 4]);
 * const labels = new Uint8Array([0, 0, 0, 0]);
 * const t = fitTemperature(logits, labels, 2);
 * assert.ok(Math.abs(1 / (1 + Math.exp(-4 / t)) - 0.75) < 1e-3); // now it says 75%
 * ```
 */
export function fitTemperature(scores: Float32Array, labels: Uint8Array, classes: number): number {
  let [lo, hi] = LOG_T_RANGE;
  const ratio = (Math.sqrt(5) - 1) / 2;
  const nll = (logT: number) => meanNll(scores, labels, classes, Math.exp(logT));
  let a = hi - ratio * (hi - lo);
  let b = lo + ratio * (hi - lo);
  let fa = nll(a);
  let fb = nll(b);
  for (let i = 0; i < 60 && hi - lo > 1e-5; i++) {
    if (fa <= fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - ratio * (hi - lo);
      fa = nll(a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + ratio * (hi - lo);
      fb = nll(b);
    }
  }
  return Math.exp((lo + hi) / 2);
}

/**
 * The reliability table of guesses with confidences `confidences` (0..1) that were `right`
 * (1) or not (0), in `binCount` equal-width bins, and the expected calibration error: how far,
 * on average over guesses, the confidence is from how often such guesses are right.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reliabilityTable } from "./calibration.ts";
 *
 * // Said 90% four times and was right twice: 40 points too sure.
 * const table = reliabilityTable([0.9, 0.9, 0.9, 0.9], [1, 1, 0, 0], 10);
 * assert.ok(Math.abs(table.ece - 0.4) < 1e-6);
 * assert.equal(table.bins[9].count, 4);
 * assert.equal(table.bins[9].accuracy, 0.5);
 * ```
 */
export function reliabilityTable(
  confidences: ArrayLike<number>,
  right: ArrayLike<number>,
  binCount = CALIBRATION_BINS,
): ReliabilityTable {
  const sums = new Float64Array(binCount);
  const hits = new Float64Array(binCount);
  const counts = new Float64Array(binCount);
  for (let i = 0; i < confidences.length; i++) {
    const bin = Math.min(binCount - 1, Math.floor(confidences[i] * binCount));
    sums[bin] += confidences[i];
    hits[bin] += right[i] ? 1 : 0;
    counts[bin]++;
  }
  const total = confidences.length;
  let ece = 0;
  const bins: CalibrationBin[] = [];
  for (let k = 0; k < binCount; k++) {
    const count = counts[k];
    const confidence = count > 0 ? sums[k] / count : (k + 0.5) / binCount;
    const accuracy = count > 0 ? hits[k] / count : 0;
    if (total > 0) ece += (count / total) * Math.abs(accuracy - confidence);
    bins.push({ from: k / binCount, to: (k + 1) / binCount, confidence, accuracy, count });
  }
  return { ece, bins };
}

/** Calibration of a set of guesses before and after temperature scaling. */
export interface CalibrationReport {
  /** The temperature applied (the model's: 1 when it has none). */
  temperature: number;
  /** ECE with the temperature applied. */
  ece: number;
  /** ECE of the raw softmax (T = 1). */
  eceBefore: number;
  /** The reliability table with the temperature applied. */
  bins: CalibrationBin[];
  /** The reliability table of the raw softmax. */
  binsBefore: CalibrationBin[];
}

/**
 * Calibration of [rows x classes] scores (logits or log-probabilities) against `labels`:
 * the reliability table and ECE of the raw softmax and of softmax(scores / temperature).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { calibrationReport, fitTemperature } from "./calibration.ts";
 *
 * const logits = new Float32Array([4, 0, 4, 0, 4, 0, 0, 4]);
 * const labels = new Uint8Array([0, 0, 0, 0]);
 * const report = calibrationReport(logits, labels, 2, fitTemperature(logits, labels, 2));
 * assert.ok(report.ece < report.eceBefore);
 * ```
 */
export function calibrationReport(
  scores: Float32Array,
  labels: Uint8Array,
  classes: number,
  temperature: number,
  binCount = CALIBRATION_BINS,
): CalibrationReport {
  const at = (t: number) => {
    const confidences = new Float32Array(labels.length);
    const right = new Uint8Array(labels.length);
    const p = new Float32Array(classes);
    for (let r = 0; r < labels.length; r++) {
      softmaxWithTemperature(scores, r, classes, t, p);
      const best = bestDigit(p, 0, classes);
      confidences[r] = p[best];
      right[r] = best === labels[r] ? 1 : 0;
    }
    return reliabilityTable(confidences, right, binCount);
  };
  const before = at(1);
  const after = temperature === 1 ? before : at(temperature);
  return {
    temperature,
    ece: after.ece,
    eceBefore: before.ece,
    bins: after.bins,
    binsBefore: before.bins,
  };
}

/**
 * The first `digits` columns of [rows x classes] scores, as [rows x digits]: a model read in
 * two parts is calibrated on its digits alone, and softmax(log p_d / T) over the ten digits is
 * the ten-way softmax of their logits over T (log p_d differs from z_d by one constant a row).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { digitColumns } from "./calibration.ts";
 *
 * const scores = Float32Array.from([1, 2, 3, 4, 5, 6]); // 2 rows x 3 classes
 * assert.deepEqual([...digitColumns(scores, 3, 2)], [1, 2, 4, 5]);
 * ```
 */
export function digitColumns(scores: Float32Array, classes: number, digits: number): Float32Array {
  if (classes === digits) return scores;
  const rows = Math.floor(scores.length / classes);
  const out = new Float32Array(rows * digits);
  for (let r = 0; r < rows; r++) {
    out.set(scores.subarray(r * classes, r * classes + digits), r * digits);
  }
  return out;
}

/**
 * Natural logs of probabilities [rows x classes], floored at the smallest float32 so that an
 * underflowed 0 stays a finite, very unlikely score: what temperature scaling divides when
 * the logits themselves are not kept (softmax(log p / T) = softmax(z / T)).
 */
export function logProbabilities(probabilities: Float32Array): Float32Array {
  return probabilities.map((p) => Math.log(Math.max(p, 1e-45)));
}

/**
 * What a model file records about its calibration and refusal (NetworkModelInfo.calibration),
 * fitted after training on data held out of it: `train --holdout N` keeps the last N training
 * digits (and a set of made not-a-digit images) out of training for this.
 */
export interface ModelCalibration {
  /** softmax(z / temperature): the T that minimized the held-out digits' NLL. */
  temperature: number;
  /** Training digits held out (the last ones of the training set), fitted on. */
  heldOutDigits: number;
  /** Their ECE (CALIBRATION_BINS bins) with the raw softmax and after scaling. */
  eceBefore: number;
  ece: number;
  /**
   * A calibrated confidence (a CNN's four-view average, as `classify` reads a file) under
   * which the model answers "not a digit"; null when it was not trained with negatives.
   */
  refuseBelow: number | null;
  /** Held-out not-a-digit images the threshold was checked on (0 without negatives). */
  heldOutNegatives: number;
  /** Shares refused at `refuseBelow`: of the held-out digits, of the held-out negatives. */
  digitsRefused: number;
  negativesRefused: number;
  /**
   * How many times the digit as it is counted among a CNN's views when the threshold was chosen,
   * and so whenever the model reads a user's digit (`Readout.asIsWeight`). Absent in files
   * calibrated before it was recorded: once.
   */
  asIsWeight?: number;
  /**
   * "digitShare" for a model with the "not a digit" output read in two parts
   * (`Readout.refusalScore`): its temperature fitted and its ECE measured on the ten digits'
   * renormalized probabilities, its threshold on 1 - p(not a digit). Absent in files calibrated
   * before (their threshold is on the best digit's share of the eleven-way softmax).
   */
  refusalScore?: "digitShare";
}

/**
 * The calibration record of a model file's metadata, or undefined when it has none or it is
 * not one (an older file: read with temperature 1 and today's rules).
 */
export function parseModelCalibration(value: unknown): ModelCalibration | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const numbers = [
    "temperature",
    "heldOutDigits",
    "eceBefore",
    "ece",
    "heldOutNegatives",
    "digitsRefused",
    "negativesRefused",
  ];
  if (!numbers.every((key) => Number.isFinite(record[key]))) return undefined;
  if (!((record.temperature as number) > 0)) return undefined;
  const refuseBelow = record.refuseBelow;
  if (refuseBelow !== null && !(typeof refuseBelow === "number" && refuseBelow >= 0)) {
    return undefined;
  }
  const asIsWeight = record.asIsWeight;
  if (asIsWeight !== undefined && !(typeof asIsWeight === "number" && asIsWeight >= 1)) {
    return undefined;
  }
  if (record.refusalScore !== undefined && record.refusalScore !== "digitShare") return undefined;
  return record as unknown as ModelCalibration;
}

/**
 * What a model file says about its calibration and refusal, in a line or two for `info`:
 * the temperature and what it did to the held-out digits' ECE, and the refusal threshold with
 * what it refused of the held-out digits and not-a-digit images.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeCalibration } from "./calibration.ts";
 *
 * const calibration = {
 *   temperature: 0.42,
 *   heldOutDigits: 2000,
 *   eceBefore: 0.018,
 *   ece: 0.0025,
 *   refuseBelow: 0.31,
 *   heldOutNegatives: 2000,
 *   digitsRefused: 0.001,
 *   negativesRefused: 0.74,
 * };
 * assert.deepEqual(describeCalibration(calibration), [
 *   "temperature 0.42 (ECE 1.80% -> 0.25% on 2,000 held-out digits)",
 *   "not a digit under 31% sure (held out: 0.10% of digits, 74.0% of 2,000 not-a-digit images)",
 * ]);
 * assert.deepEqual(describeCalibration(undefined), ["none (older model: temperature 1)"]);
 * // a file calibrated now also says how a CNN weighs the digit among its views
 * assert.equal(
 *   describeCalibration({ ...calibration, asIsWeight: 2 })[2],
 *   "a CNN's view average counts the digit as it is 2x",
 * );
 * // read in two parts, the views decide only whether it is a digit
 * assert.match(
 *   describeCalibration({ ...calibration, asIsWeight: 2, refusalScore: "digitShare" })[2],
 *   /for "not a digit" alone, .* 2x; which digit, from the digit as it is/,
 * );
 * ```
 */
export function describeCalibration(calibration: ModelCalibration | undefined): string[] {
  if (!calibration) return ["none (older model: temperature 1)"];
  const pct = (x: number, digits: number) => `${(x * 100).toFixed(digits)}%`;
  const lines = [
    `temperature ${calibration.temperature.toFixed(2)} (ECE ${pct(calibration.eceBefore, 2)} -> ${
      pct(calibration.ece, 2)
    } on ${calibration.heldOutDigits.toLocaleString("en-US")} held-out digits)`,
  ];
  if (calibration.refuseBelow !== null) {
    const rule = calibration.refusalScore === "digitShare" ? "likely a digit" : "sure";
    lines.push(
      `not a digit under ${Math.round(calibration.refuseBelow * 100)}% ${rule} (held out: ${
        pct(calibration.digitsRefused, 2)
      } of digits, ${pct(calibration.negativesRefused, 1)} of ${
        calibration.heldOutNegatives.toLocaleString("en-US")
      } not-a-digit images)`,
    );
  }
  // Files calibrated before the weight was recorded read the even average: nothing to add.
  if (calibration.asIsWeight !== undefined && calibration.asIsWeight !== 1) {
    const weight = `counts the digit as it is ${calibration.asIsWeight}x`;
    // Read in two parts, the average decides only "not a digit" (src/train/views.ts).
    lines.push(
      calibration.refusalScore === "digitShare"
        ? `a CNN's view average, for "not a digit" alone, ${weight}; which digit, from the digit as it is`
        : `a CNN's view average ${weight}`,
    );
  }
  return lines;
}
