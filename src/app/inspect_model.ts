/**
 * What `inspect` and the Inspect screen show of a model: every layer with its weight
 * statistics and the share of its units that never fire on the first test digits, and for one
 * digit every layer's activations, the saliency of the guess and the guess itself. One place
 * computes it; the command and the screen only draw it.
 */
import type { Dataset } from "../data/dataset.ts";
import { IMAGE_PIXELS } from "../data/dataset.ts";
import { type Network, NOT_A_DIGIT_OUTPUT } from "../network/network.ts";
import { readsDigitShare } from "../train/refusal_rule.ts";
import { guessFromOutputs } from "./predict.ts";
import {
  deadUnits,
  type LayerActivation,
  layerActivations,
  layerInfos,
  type LayerTrainingStats,
  tensorStats,
  TrainingMonitor,
} from "../network/inspect.ts";
import { type AttributionOptions, integrateFromScore } from "../network/attribution.ts";
import { saliency, withInputGradient } from "../network/saliency.ts";
import { selectKernels } from "../network/select_kernels.ts";

/** Test digits the dead-unit share is measured on. */
export const DEAD_UNIT_DIGITS = 1000;

/** Bins of each weight histogram. */
export const HISTOGRAM_BINS = 16;

/** One layer as `inspect` reports it (the JSON's `layers[i]`). */
export interface LayerReport {
  index: number;
  /** The layer as a spec item: `conv5x32`, `pool`, `dense128`, `dense10 softmax`. */
  name: string;
  kind: string;
  /** The layer's output shape. */
  shape: number[];
  /** Its weights' shape (dense [in, out], conv [out, k, k, in]); null without weights. */
  weightShape: number[] | null;
  parameters: number;
  /** Statistics of the weights (not the biases); null for layers without weights. */
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
  histogram: number[] | null;
  /** Units (neurons or filters) of a hidden conv or dense layer; null otherwise. */
  units: number | null;
  /** Share of those units that never fire on the first test digits; null without units. */
  deadFraction: number | null;
  /** Which units never fire. */
  deadUnits: number[] | null;
}

/**
 * Every layer of `network` with its weight statistics and, when `test` digits are given, the
 * dead-unit share on the first `digits` of them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "../network/network.ts";
 * import { layerReports } from "./inspect_model.ts";
 *
 * const network = new Network({ layerSizes: [784, 32, 10], activation: "relu" }, { maxBatch: 8 });
 * const test = { pixels: new Uint8Array(4 * 784).fill(128), labels: new Uint8Array(4), count: 4 };
 * const [hidden, output] = layerReports(network, test);
 * assert.equal(hidden.histogram?.length, 16);
 * assert.equal(hidden.units, 32);
 * assert.equal(output.deadFraction, null);
 * ```
 */
export function layerReports(
  network: Network,
  test?: Dataset,
  digits = DEAD_UNIT_DIGITS,
): LayerReport[] {
  const count = test ? Math.min(digits, test.count) : 0;
  const dead = test && count > 0
    ? deadUnits(network, { pixels: test.pixels.subarray(0, count * IMAGE_PIXELS), count })
    : [];
  return layerInfos(network).map((info) => {
    const stats = info.weight ? tensorStats(info.weight.value, HISTOGRAM_BINS) : undefined;
    const measured = dead.find((d) => d.layer === info.index);
    return {
      index: info.index,
      name: info.name,
      kind: info.kind,
      shape: info.outputShape,
      weightShape: info.weight ? [...info.weight.shape] : null,
      parameters: info.parameters,
      mean: stats?.mean ?? null,
      std: stats?.std ?? null,
      min: stats?.min ?? null,
      max: stats?.max ?? null,
      histogram: stats?.histogram ?? null,
      units: info.units ?? null,
      deadFraction: measured?.deadFraction ?? null,
      deadUnits: measured?.dead ?? null,
    };
  });
}

/** What one forward and one backward pass tell of a digit: the guess, why, each layer. */
export interface DigitLook {
  /** [784] the input, 0..1. */
  input: Float32Array;
  /** Each layer's output for it (the output layer's as probabilities). */
  activations: LayerActivation[];
  /** [784] dz_digit / d pixel, the raw gradient: where more ink would change the answer. */
  saliency: Float32Array;
  /**
   * The likeliest digit and its probability (of the raw softmax, T = 1); for a model read in two
   * parts (`readsDigitShare`), over the ten digits alone, and p(not a digit) beside it.
   */
  prediction: { digit: number; confidence: number; notADigit?: number };
  /** z_digit, the guess's score (logit), which the attribution starts from. */
  score: number;
  probabilities: Float32Array;
}

/** What the network does with one digit: a look and the attribution of its guess. */
export interface DigitReport extends DigitLook {
  /**
   * [784] integrated gradients from a blank picture: each pixel's share of the guess's score
   * (they add up to z_digit(picture) - z_digit(blank)); positive speaks for the guess.
   */
  attribution: Float32Array;
}

/**
 * Explains digits for one network: keeps a copy of it that backpropagates to its input (so the
 * network itself is not touched) and answers `digit(pixels)` with a DigitReport.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "../network/network.ts";
 * import { DigitExplainer } from "./inspect_model.ts";
 *
 * const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, { seed: 2 });
 * const report = new DigitExplainer(network).digit(new Float32Array(784).fill(0.3));
 * assert.equal(report.saliency.length, 784);
 * assert.equal(report.activations.length, 2);
 * assert.equal(report.prediction.confidence, Math.max(...report.probabilities));
 * ```
 */
export class DigitExplainer {
  private readonly copy: Network;

  constructor(readonly network: Network) {
    // 64 rows: the path points of integrated gradients go through in batches
    this.copy = withInputGradient(network, { kernels: selectKernels(), maxBatch: 64 });
  }

  /**
   * Activations, saliency, attribution and guess for one digit of 784 values in 0..1;
   * `attribution` sets how finely integrated gradients integrate (see attribution.ts: by
   * default until the sum is within 0.5% of the score's change).
   */
  digit(pixels: Float32Array, attribution?: AttributionOptions): DigitReport {
    const look = this.look(pixels);
    return { ...look, attribution: this.attribution(look, attribution) };
  }

  /**
   * Activations, saliency and guess for one digit, without the attribution: one forward and
   * one backward pass (the attribution is 16 to 512 of each).
   */
  look(pixels: Float32Array): DigitLook {
    const input = pixels.slice(0, IMAGE_PIXELS);
    const result = saliency(this.copy, input);
    // backward leaves every layer's output of that forward pass in place
    const activations = layerActivations(this.copy);
    return {
      input,
      activations,
      saliency: result.gradient,
      prediction: twoPartGuess(this.network, result.digit, result.probabilities),
      score: result.score,
      probabilities: result.probabilities,
    };
  }

  /**
   * [784] integrated gradients of a look's guess from a blank picture; the look's forward pass
   * gave the score, so the digit's is not run again.
   */
  attribution(look: DigitLook, options?: AttributionOptions): Float32Array {
    const known = { digit: look.prediction.digit, score: look.score };
    return integrateFromScore(this.copy, look.input, known, options).attribution;
  }
}

/** The guess as `classify` words it: over the ten digits for a model read in two parts. */
function twoPartGuess(
  network: Network,
  digit: number,
  probabilities: Float32Array,
): DigitLook["prediction"] {
  if (!readsDigitShare(network)) return { digit, confidence: probabilities[digit] };
  const read = guessFromOutputs(network, probabilities);
  return { digit, confidence: read.probabilities[digit], notADigit: read.notADigit };
}

/**
 * How strongly the loss pulls on each layer now: the gradient norm of the mean cross-entropy
 * over the first `count` digits of `test` (at most the network's batch), per layer with
 * weights. Overwrites the network's gradient buffers (not its weights).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "../network/network.ts";
 * import { lossGradientNorms } from "./inspect_model.ts";
 *
 * const network = new Network({ layerSizes: [784, 8, 10], activation: "relu" }, { maxBatch: 4 });
 * const test = { pixels: new Uint8Array(4 * 784).fill(90), labels: new Uint8Array(4), count: 4 };
 * const [hidden, output] = lossGradientNorms(network, test);
 * assert.ok(hidden.gradientNorm > 0 && output.gradientNorm > 0);
 * ```
 */
export function lossGradientNorms(
  network: Network,
  test: Dataset,
  count = 256,
): LayerTrainingStats[] {
  const batch = Math.min(count, test.count, network.maxBatch);
  const input = network.input;
  for (let i = 0; i < batch * IMAGE_PIXELS; i++) input[i] = test.pixels[i] / 255;
  network.forward(batch);
  network.backward(test.labels.subarray(0, batch));
  return new TrainingMonitor(network).measure();
}

/** Digit `index` of `dataset` as 784 values in 0..1. */
export function digitPixels(dataset: Dataset, index: number): Float32Array {
  const from = index * IMAGE_PIXELS;
  return Float32Array.from(dataset.pixels.subarray(from, from + IMAGE_PIXELS), (b) => b / 255);
}

/**
 * A layer's values per unit: the values themselves for a vector, each channel's largest value
 * over the positions for an image [H x W x C] (a filter at its strongest).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unitValues } from "./inspect_model.ts";
 *
 * // a 1x2 image of 2 channels: (0.1, 0.5) and (0.3, 0.2)
 * assert.deepEqual(unitValues(new Float32Array([0.1, 0.5, 0.3, 0.2]), [1, 2, 2]), new Float32Array([0.3, 0.5]));
 * ```
 */
export function unitValues(values: Float32Array, shape: readonly number[]): Float32Array {
  if (shape.length !== 3) return values;
  const channels = shape[2];
  const out = new Float32Array(channels).fill(-Infinity);
  for (let i = 0; i < values.length; i++) {
    const u = i % channels;
    if (values[i] > out[u]) out[u] = values[i];
  }
  return out;
}

/**
 * One sentence on what to worry about in a model, from its layer reports: dead units, weights
 * that blew up or did not move from zero, or that nothing looks wrong.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { healthSentence, type LayerReport } from "./inspect_model.ts";
 *
 * const layer = {
 *   index: 0, name: "dense256", kind: "dense", shape: [256], weightShape: [784, 256],
 *   parameters: 200960, mean: 0, std: 0.05, min: -0.3, max: 0.3, histogram: [], units: 256,
 *   deadFraction: 0.34, deadUnits: [],
 * } satisfies LayerReport;
 * assert.match(healthSentence([layer]), /^34% of layer 1 \(dense256\) never fires/);
 * // numbered as the Health table lists them: a pool layer (no weights) before it is not counted
 * const pool = {
 *   ...layer, index: 0, name: "pool", kind: "pool", parameters: 0, units: null, deadFraction: null,
 * };
 * const later = { ...layer, index: 1 };
 * assert.match(healthSentence([pool, later]), /^34% of layer 1 \(dense256\)/);
 * ```
 */
export function healthSentence(layers: LayerReport[]): string {
  // Layers are numbered as the Health table lists them: those with weights, from 1 (pooling,
  // dropout and flatten have none and are not listed).
  const weighted = layers.filter((l) => l.parameters > 0);
  const number = (l: LayerReport) => (weighted.includes(l) ? weighted.indexOf(l) : l.index) + 1;
  const worst = layers
    .filter((l) => l.deadFraction !== null)
    .sort((a, b) => b.deadFraction! - a.deadFraction!)[0];
  if (worst && worst.deadFraction! >= 0.1) {
    return `${Math.round(worst.deadFraction! * 100)}% of layer ${
      number(worst)
    } (${worst.name}) never fires on the first test digits: those units learn nothing; the learning rate may be too high.`;
  }
  const huge = layers.find((l) => l.std !== null && l.std > 1);
  if (huge) {
    return `Layer ${number(huge)} (${huge.name}) has large weights (std ${
      huge.std!.toFixed(2)
    }): training may have been unstable; try a lower learning rate or weight decay.`;
  }
  const flat = layers.find((l) => l.std !== null && l.std < 1e-4);
  if (flat) {
    return `Layer ${
      number(flat)
    } (${flat.name})'s weights are all near zero: it has not learned (is the model trained?).`;
  }
  const some = worst && worst.deadFraction! > 0
    ? ` (${Math.round(worst.deadFraction! * 100)}% of layer ${
      number(worst)
    } (${worst.name}) is silent: harmless)`
    : "";
  return `Nothing to worry about: weights are moderate and units fire${some}.`;
}

/**
 * An output unit by what it means: its digit, or "not a digit" (an 11-output network's last),
 * as the `inspect` command and the Inspect screen name the output layer's strongest units.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { outputName } from "./inspect_model.ts";
 *
 * assert.equal(outputName(7), "7");
 * assert.equal(outputName(10), "not a digit");
 * ```
 */
export function outputName(index: number): string {
  return index === NOT_A_DIGIT_OUTPUT ? "not a digit" : String(index);
}
