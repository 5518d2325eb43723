/**
 * The output layer's math, shared by the whole batch (network.ts) and its two halves
 * (half_batch_engine.ts): softmax, the cross-entropy loss and its gradient (BP1).
 *
 * @module
 */

/** p[b, :] = softmax(z[b, :]) for each of `batch` rows, shifted by the row max for stability. */
export function softmaxRows(
  z: Float32Array,
  p: Float32Array,
  batch: number,
  classes: number,
): void {
  for (let b = 0; b < batch; b++) softmaxRow(z, p, b * classes, classes);
}

/** softmax of the row of z starting at `row`, into p; returns the row's log-sum-exp. */
function softmaxRow(z: Float32Array, p: Float32Array, row: number, classes: number): number {
  let max = z[row];
  for (let c = 1; c < classes; c++) if (z[row + c] > max) max = z[row + c];
  let sum = 0;
  for (let c = 0; c < classes; c++) {
    const e = Math.exp(z[row + c] - max);
    p[row + c] = e;
    sum += e;
  }
  const inv = 1 / sum;
  for (let c = 0; c < classes; c++) p[row + c] *= inv;
  return Math.log(sum) + max;
}

/**
 * The label of a training sample that is not a digit. A network with ten outputs is taught the
 * uniform distribution over the digits for it (outlier exposure, Hendrycks et al. 2019), so it
 * learns to be unsure of such things; a network with an eleventh output
 * ({@linkcode NOT_A_DIGIT_OUTPUT}) is taught that output, a class like the digits.
 */
export const NOT_A_DIGIT = 255;

/** The digits' classes: outputs 0..9 of every network. */
export const DIGIT_CLASSES = 10;

/**
 * The index of the "not a digit" output in a network with DIGIT_CLASSES + 1 outputs (trained
 * with `--negative-target class`).
 */
export const NOT_A_DIGIT_OUTPUT = DIGIT_CLASSES;

/** True when a network with `classes` outputs has the "not a digit" output. */
export function hasNotADigitOutput(classes: number): boolean {
  return classes === DIGIT_CLASSES + 1;
}

/**
 * The guess in a row of `classes` scores or probabilities starting at `from`: the index of the
 * largest among the digits' (a "not a digit" output is never a guess).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bestDigit } from "./softmax.ts";
 *
 * const row = [0.1, 0.3, 0, 0, 0, 0, 0, 0, 0, 0, 0.6]; // ten digits, then "not a digit"
 * assert.equal(bestDigit(row, 0, 11), 1);
 * ```
 */
export function bestDigit(row: ArrayLike<number>, from: number, classes: number): number {
  let best = 0;
  for (let c = 1; c < Math.min(classes, DIGIT_CLASSES); c++) {
    if (row[from + c] > row[from + best]) best = c;
  }
  return best;
}

/**
 * Cross-entropy summed over `rows` rows of logits z [rows x classes] against `labels`, from
 * the log-sum-exp (a confident wrong answer costs a finite, exact loss), and the hits (digits
 * only). A NOT_A_DIGIT row costs `negativeWeight` x CE(uniform, softmax(z)) =
 * weight x (logsumexp(z) - mean(z)) with ten outputs, and weight x (logsumexp(z) - z[10])
 * (the cross-entropy of its class) with the "not a digit" output.
 */
export function crossEntropy(
  z: Float32Array,
  labels: Uint8Array,
  rows: number,
  classes: number,
  negativeWeight = 1,
): { lossSum: number; correct: number } {
  let loss = 0;
  let correct = 0;
  for (let b = 0; b < rows; b++) {
    const row = b * classes;
    const argmax = argmaxRow(z, row, classes);
    const max = z[row + argmax];
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(z[row + c] - max);
    loss += rowLoss(z, row, classes, labels[b], Math.log(sum) + max, negativeWeight);
    if (labels[b] !== NOT_A_DIGIT && argmax === labels[b]) correct++;
  }
  return { lossSum: loss, correct };
}

/** The index of the largest of a row's `classes` values (the first of equals). */
function argmaxRow(z: Float32Array, row: number, classes: number): number {
  let argmax = 0;
  for (let c = 1; c < classes; c++) if (z[row + c] > z[row + argmax]) argmax = c;
  return argmax;
}

/** One row's loss (see `crossEntropy`) from its log-sum-exp. */
function rowLoss(
  z: Float32Array,
  row: number,
  classes: number,
  label: number,
  logSumExp: number,
  negativeWeight: number,
): number {
  if (label !== NOT_A_DIGIT) return logSumExp - z[row + label];
  let target = 0;
  if (hasNotADigitOutput(classes)) target = z[row + NOT_A_DIGIT_OUTPUT];
  else {
    for (let c = 0; c < classes; c++) target += z[row + c];
    target /= classes;
  }
  return negativeWeight * (logSumExp - target);
}

/**
 * Softmax with cross-entropy (BP1): delta[B x classes] = (p - onehot(y)) * scale (1/batch);
 * a NOT_A_DIGIT row's target is uniform with ten outputs, delta = (p - 1/classes) * scale *
 * negativeWeight, and the one-hot of the "not a digit" output with eleven.
 */
export function outputDelta(
  probabilities: Float32Array,
  labels: Uint8Array,
  delta: Float32Array,
  rows: number,
  classes: number,
  scale: number,
  negativeWeight = 1,
): void {
  for (let b = 0; b < rows; b++) {
    rowDelta(probabilities, delta, b * classes, classes, labels[b], scale, negativeWeight);
  }
}

/** One row's output delta (see `outputDelta`). */
function rowDelta(
  p: Float32Array,
  delta: Float32Array,
  row: number,
  classes: number,
  label: number,
  scale: number,
  negativeWeight: number,
): void {
  if (label === NOT_A_DIGIT) {
    const weighted = scale * negativeWeight;
    if (hasNotADigitOutput(classes)) {
      for (let c = 0; c < classes; c++) delta[row + c] = p[row + c] * weighted;
      delta[row + NOT_A_DIGIT_OUTPUT] -= weighted;
      return;
    }
    for (let c = 0; c < classes; c++) delta[row + c] = (p[row + c] - 1 / classes) * weighted;
    return;
  }
  for (let c = 0; c < classes; c++) delta[row + c] = p[row + c] * scale;
  delta[row + label] -= scale;
}

/**
 * `softmaxRows`, `crossEntropy` and `outputDelta` over the same rows in one pass, each exp
 * taken once: p = softmax(z), delta = BP1's (p - target) * scale, and the loss sum and hits,
 * the same numbers as the three in turn (a training batch's output layer).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { crossEntropy, outputDelta, softmaxCrossEntropy, softmaxRows } from "./softmax.ts";
 * const labels = new Uint8Array([1, 255]); // a digit, then a not-a-digit sample
 * for (const classes of [10, 11]) { // 11: with the "not a digit" output
 *   const z = Float32Array.from({ length: 2 * classes }, (_, k) => Math.sin(k) * 3);
 *   const [p, delta, p2, delta2] = [0, 1, 2, 3].map(() => new Float32Array(2 * classes));
 *   const result = softmaxCrossEntropy(z, p, labels, delta, 2, classes, 0.5, 0.7);
 *   softmaxRows(z, p2, 2, classes);
 *   outputDelta(p2, labels, delta2, 2, classes, 0.5, 0.7);
 *   assert.deepEqual(result, crossEntropy(z, labels, 2, classes, 0.7));
 *   assert.deepEqual([p, delta], [p2, delta2]);
 * }
 * ```
 */
export function softmaxCrossEntropy(
  z: Float32Array,
  p: Float32Array,
  labels: Uint8Array,
  delta: Float32Array,
  rows: number,
  classes: number,
  scale: number,
  negativeWeight = 1,
): { lossSum: number; correct: number } {
  let loss = 0;
  let correct = 0;
  for (let b = 0; b < rows; b++) {
    const row = b * classes;
    const label = labels[b];
    const logSumExp = softmaxRow(z, p, row, classes);
    loss += rowLoss(z, row, classes, label, logSumExp, negativeWeight);
    if (label !== NOT_A_DIGIT && argmaxRow(z, row, classes) === label) correct++;
    rowDelta(p, delta, row, classes, label, scale, negativeWeight);
  }
  return { lossSum: loss, correct };
}
