/**
 * Integrated gradients (Sundararajan, Taly and Yan 2017, "Axiomatic attribution for deep
 * networks"): how much each input pixel contributed to the score of a digit, measured along the
 * straight path from a blank picture (baseline b = 0) to the digit x:
 *
 *   IG_i(x) = (x_i - b_i) * integral over a in [0, 1] of dz_c/dx_i (b + a (x - b)) da
 *
 * where z_c is the digit's score (its logit). Unlike the raw gradient (saliency.ts), the
 * attributions add up to what the picture changed ("completeness"):
 *
 *   sum_i IG_i(x) = z_c(x) - z_c(b)
 *
 * and a pixel with no ink (x_i = b_i = 0) gets exactly nothing: the strongest attributions lie
 * on the strokes that made the guess, positive where a stroke speaks for the digit, negative
 * where it speaks against it.
 *
 * The integral is a midpoint Riemann sum over m steps, a_k = (k + 1/2) / m. A ReLU network is
 * piecewise linear along the path, so the sum is exact between kinks and the error comes from
 * the steps that cross one; `integratedGradients` doubles m until the completeness error is
 * under `tolerance` of |z_c(x) - z_c(b)| (or `maxSteps` is reached) and reports the error.
 *
 * @module
 */
import type { Network } from "./network.ts";
import { DIGIT_CLASSES } from "./softmax.ts";

/** Integrated gradients of one digit's score, with the check that they add up. */
export interface Attribution {
  /** The digit explained. */
  digit: number;
  /** [inputSize] IG_i: each pixel's share of z_digit(x) - z_digit(blank). */
  attribution: Float32Array;
  /** z_digit(x), the digit's score (logit) for the picture. */
  score: number;
  /** z_digit(blank), its score for an all-zero picture. */
  baselineScore: number;
  /** Steps of the Riemann sum used. */
  steps: number;
  /** |sum IG - (score - baselineScore)| / |score - baselineScore| (0 when the change is 0). */
  completenessError: number;
}

/** How finely to integrate. */
export interface AttributionOptions {
  /** First number of steps (default 32). */
  steps?: number;
  /** Largest number of steps (default 512). */
  maxSteps?: number;
  /** Relative completeness error to reach (default 0.005). */
  tolerance?: number;
}

/**
 * The integrated gradients of `pixels` (one digit, [inputSize] values 0..1) for the score of
 * `digit` (default: the likeliest digit), from a blank baseline. `network` must be built with
 * `inputGradient` (see `withInputGradient` in saliency.ts); its maxBatch sets how many path
 * points go through it at once. Its parameter gradients are overwritten.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "./network.ts";
 * import { integratedGradients } from "./attribution.ts";
 *
 * const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, {
 *   inputGradient: true,
 *   maxBatch: 32,
 *   seed: 3,
 * });
 * const pixels = new Float32Array(784);
 * for (let i = 300; i < 500; i++) pixels[i] = 0.8;
 * const result = integratedGradients(network, pixels);
 * const sum = result.attribution.reduce((s, v) => s + v, 0);
 * assert.ok(Math.abs(sum - (result.score - result.baselineScore)) < 0.01);
 * assert.equal(result.attribution[0], 0); // no ink, no attribution
 * ```
 */
export function integratedGradients(
  network: Network,
  pixels: Float32Array,
  digit?: number,
  options: AttributionOptions = {},
): Attribution {
  requireInputGradient(network);
  const x = pixels.subarray(0, network.layerSizes[0]);
  // the likeliest digit: a network's "not a digit" output (the 11th) is not one to explain
  const classes = Math.min(network.layerSizes[network.layerSizes.length - 1], DIGIT_CLASSES);
  network.input.set(x);
  const probabilities = network.forward(1);
  let target = digit ?? 0;
  if (digit === undefined) {
    for (let d = 1; d < classes; d++) if (probabilities[d] > probabilities[target]) target = d;
  }
  const score = network.layerOutputs().at(-1)![target];
  return integrateFromScore(network, x, { digit: target, score }, options);
}

/** A digit and its score z_digit(pixels) (logit), from a forward pass already run. */
export interface DigitScore {
  digit: number;
  score: number;
}

/**
 * `integratedGradients` for a digit whose score is known (saliency's forward pass measured it):
 * the picture's own forward pass is not run again, only the blank baseline's and the path's.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "./network.ts";
 * import { integratedGradients, integrateFromScore } from "./attribution.ts";
 * import { saliency } from "./saliency.ts";
 *
 * const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, {
 *   inputGradient: true,
 *   maxBatch: 32,
 *   seed: 3,
 * });
 * const pixels = new Float32Array(784).fill(0.4);
 * const seen = saliency(network, pixels);
 * const shared = integrateFromScore(network, pixels, seen);
 * assert.deepEqual(shared, integratedGradients(network, pixels, seen.digit));
 * ```
 */
export function integrateFromScore(
  network: Network,
  pixels: Float32Array,
  known: DigitScore,
  options: AttributionOptions = {},
): Attribution {
  requireInputGradient(network);
  const size = network.layerSizes[0];
  const x = pixels.subarray(0, size);
  const { digit: target, score } = known;
  network.input.fill(0, 0, size);
  network.forward(1);
  const baselineScore = network.layerOutputs().at(-1)![target];
  const change = score - baselineScore;

  const maxSteps = options.maxSteps ?? 512;
  const tolerance = options.tolerance ?? 0.005;
  let steps = Math.max(1, options.steps ?? 32);
  let attribution = new Float32Array(size);
  let error = Infinity;
  for (;;) {
    const gradientSum = pathGradientSum(network, x, target, steps);
    attribution = new Float32Array(size);
    let sum = 0;
    for (let i = 0; i < size; i++) {
      attribution[i] = x[i] * gradientSum[i] / steps;
      sum += attribution[i];
    }
    error = change === 0 ? Math.abs(sum) : Math.abs(sum - change) / Math.abs(change);
    if (error <= tolerance || steps * 2 > maxSteps) break;
    steps *= 2;
  }
  return { digit: target, attribution, score, baselineScore, steps, completenessError: error };
}

function requireInputGradient(network: Network): void {
  if (!network.inputGrad) {
    throw new RangeError(
      "integratedGradients needs a network built with inputGradient: withInputGradient()",
    );
  }
}

/**
 * sum over k of dz_target/dx at a_k x, a_k = (k + 1/2) / steps, [inputSize], in batches of the
 * network's maxBatch.
 */
function pathGradientSum(
  network: Network,
  x: Float32Array,
  target: number,
  steps: number,
): Float64Array {
  const size = x.length;
  const sum = new Float64Array(size);
  const inputGrad = network.inputGrad!;
  const input = network.input;
  for (let start = 0; start < steps; start += network.maxBatch) {
    const rows = Math.min(network.maxBatch, steps - start);
    for (let r = 0; r < rows; r++) {
      const a = (start + r + 0.5) / steps;
      const row = r * size;
      for (let i = 0; i < size; i++) input[row + i] = a * x[i];
    }
    // backward's output delta is (probabilities - onehot) / rows: zeroed probabilities make each
    // row's delta -e_target / rows, so each row's input gradient is -dz_target/dx / rows.
    network.forward(rows).fill(0);
    network.backward(new Uint8Array(rows).fill(target));
    for (let r = 0; r < rows; r++) {
      const row = r * size;
      for (let i = 0; i < size; i++) sum[i] -= inputGrad[row + i] * rows;
    }
  }
  return sum;
}
