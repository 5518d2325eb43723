/**
 * Looking inside a network: the statistics of its weights and gradients, each layer's
 * activations of a batch, which hidden units never fire on a set of digits, and, while it
 * trains, each layer's gradient norm and how much one update moves its weights. Read-only:
 * nothing here changes a network's weights.
 *
 * Weights as pictures (tiles) and the Train screen's live panel are in weight_tiles.ts.
 *
 * A "unit" is what a layer has one of per feature: a neuron of a dense layer, a filter (output
 * channel) of a convolution. A conv unit's response to a digit is its strongest value over
 * the image's positions.
 *
 * @module
 */
import type { Network } from "./network.ts";
import type { LayerSpec, Shape } from "./layer_spec.ts";

/** Mean, spread, range and histogram of a tensor's values. */
export interface TensorStats {
  count: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  /** Counts of values in `bins` equal bins from min to max (the last includes max). */
  histogram: number[];
  /** Values that are NaN or infinite (left out of everything else). */
  nonFinite: number;
}

/**
 * Mean, standard deviation, min, max and a histogram of `bins` equal bins over [min, max].
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tensorStats } from "./inspect.ts";
 *
 * const stats = tensorStats([-1, 0, 0, 1], 4);
 * assert.equal(stats.mean, 0);
 * assert.equal(stats.min, -1);
 * assert.deepEqual(stats.histogram, [1, 0, 2, 1]);
 * ```
 */
export function tensorStats(values: ArrayLike<number>, bins = 16): TensorStats {
  let count = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  let nonFinite = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      nonFinite++;
      continue;
    }
    count++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const histogram = new Array<number>(bins).fill(0);
  if (count === 0) return { count, mean: NaN, std: NaN, min: NaN, max: NaN, histogram, nonFinite };
  const mean = sum / count;
  let squares = 0;
  const span = max - min;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    squares += (v - mean) * (v - mean);
    const bin = span > 0 ? Math.min(bins - 1, Math.floor((v - min) / span * bins)) : 0;
    histogram[bin]++;
  }
  return { count, mean, std: Math.sqrt(squares / count), min, max, histogram, nonFinite };
}

/** One layer as inspection sees it. */
export interface LayerInfo {
  index: number;
  /** The layer as a spec item: `conv5x32`, `pool`, `dense128`; the output is `dense10 softmax`. */
  name: string;
  kind: LayerSpec["kind"];
  outputShape: number[];
  parameters: number;
  /** Its weights and their gradient (dense [in x out], conv [out, k, k, in]); none for pool... */
  weight?: { shape: number[]; value: Float32Array; grad: Float32Array };
  bias?: { value: Float32Array; grad: Float32Array };
  /** Units (neurons or filters) whose activity can be measured: hidden conv and dense layers. */
  units?: number;
}

/**
 * Each layer of `network`, input to output, with its weights (views, not copies).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "./network.ts";
 * import { parseLayerSpec } from "./layer_spec.ts";
 * import { layerInfos } from "./inspect.ts";
 *
 * const layers = layerInfos(new Network(parseLayerSpec("conv3x4,pool,dense8"), { maxBatch: 2 }));
 * assert.deepEqual(layers.map((l) => l.name), ["conv3x4", "pool", "dense8", "dense10 softmax"]);
 * assert.deepEqual(layers[0].weight?.shape, [4, 3, 3, 1]);
 * assert.equal(layers[0].units, 4);
 * ```
 */
export function layerInfos(network: Network): LayerInfo[] {
  const byName = new Map(network.parameters.map((p) => [p.name, p]));
  return network.summary().map((row, index) => {
    const spec = network.layers[index];
    const weight = byName.get(`layers.${index}.weight`);
    const bias = byName.get(`layers.${index}.bias`);
    const hidden = index < network.layers.length - 1;
    return {
      index,
      name: row.layer,
      kind: spec.kind,
      outputShape: row.outputShape,
      parameters: row.parameters,
      weight: weight && { shape: weight.shape, value: weight.value, grad: weight.grad },
      bias: bias && { value: bias.value, grad: bias.grad },
      units: !hidden
        ? undefined
        : spec.kind === "dense"
        ? spec.units
        : spec.kind === "conv"
        ? spec.channels
        : undefined,
    };
  });
}

/** Digits to run through a network: bytes 0..255 or floats 0..1, [count x 784]. */
export interface DigitImages {
  pixels: Uint8Array | Float32Array;
  count: number;
}

/**
 * Each unit's response to each digit of `images` in hidden layer `layer`: a dense unit's
 * activation, a filter's strongest activation over the image. [count x units], digit by digit.
 * Runs the network forward in batches of its `maxBatch`.
 */
export function unitResponses(network: Network, images: DigitImages, layer: number): Float32Array {
  return layerResponses(network, images, [layer])[0];
}

/** `unitResponses` for several layers in one pass over the digits. */
export function layerResponses(
  network: Network,
  images: DigitImages,
  layers: readonly number[],
): Float32Array[] {
  const infos = layerInfos(network);
  const units = layers.map((k) => {
    const n = infos[k]?.units;
    if (n === undefined) throw new RangeError(`layer ${k} has no units to measure`);
    return n;
  });
  const out = units.map((n) => new Float32Array(images.count * n));
  const inputSize = network.layerSizes[0];
  const scale = images.pixels instanceof Uint8Array ? 1 / 255 : 1;
  const input = network.input;
  for (let first = 0; first < images.count; first += network.maxBatch) {
    const batch = Math.min(network.maxBatch, images.count - first);
    const from = first * inputSize;
    for (let i = 0; i < batch * inputSize; i++) input[i] = images.pixels[from + i] * scale;
    network.forward(batch);
    const outputs = network.layerOutputs();
    layers.forEach((k, j) => {
      const n = units[j];
      const a = outputs[k];
      const positions = network.layerSizes[k + 1] / n; // 1 for dense; H x W for conv
      const target = out[j];
      for (let b = 0; b < batch; b++) {
        const row = b * positions * n;
        const to = (first + b) * n;
        for (let u = 0; u < n; u++) {
          // channels-last: unit u of position p sits at p * n + u
          let best = -Infinity;
          for (let p = 0; p < positions; p++) {
            const v = a[row + p * n + u];
            if (v > best) best = v;
          }
          target[to + u] = best;
        }
      }
    });
  }
  return out;
}

/** How many units of a hidden layer never fired on the digits measured. */
export interface DeadUnits {
  layer: number;
  name: string;
  units: number;
  /** Indices of the units that never fired. */
  dead: number[];
  deadFraction: number;
}

/**
 * The units of every hidden conv and dense layer that never fire on `images`: a ReLU unit
 * whose output is 0 for every digit (it passes no gradient either, so it cannot learn back),
 * a sigmoid or tanh unit whose response varies by less than 0.001 over the digits (saturated:
 * it tells the next layer nothing).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "./network.ts";
 * import { deadUnits } from "./inspect.ts";
 *
 * const network = new Network({ layerSizes: [784, 4, 10], activation: "relu" }, { seed: 1 });
 * network.parameters[1].value[2] = -1e6; // unit 2's bias: it can never fire
 * const [hidden] = deadUnits(network, { pixels: new Float32Array(784 * 3).fill(0.5), count: 3 });
 * assert.ok(hidden.dead.includes(2));
 * ```
 */
export function deadUnits(network: Network, images: DigitImages): DeadUnits[] {
  const infos = layerInfos(network).filter((l) => l.units !== undefined);
  const responses = layerResponses(network, images, infos.map((l) => l.index));
  return infos.map((info, j) => {
    const n = info.units!;
    const spec = network.layers[info.index];
    const relu = (spec.kind === "conv" || spec.kind === "dense") && spec.activation === "relu";
    const r = responses[j];
    const dead: number[] = [];
    for (let u = 0; u < n; u++) {
      let max = -Infinity;
      let min = Infinity;
      for (let b = 0; b < images.count; b++) {
        const v = r[b * n + u];
        if (v > max) max = v;
        if (v < min) min = v;
      }
      if (relu ? !(max > 0) : !(max - min >= 1e-3)) dead.push(u);
    }
    return { layer: info.index, name: info.name, units: n, dead, deadFraction: dead.length / n };
  });
}

/**
 * The `k` digits (indices into the responses) that excite `unit` most, strongest first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { strongestDigits } from "./inspect.ts";
 *
 * // 3 digits x 2 units
 * const responses = new Float32Array([0.1, 5, 0.9, 1, 0.5, 2]);
 * assert.deepEqual(strongestDigits(responses, 2, 0, 2), [1, 2]);
 * ```
 */
export function strongestDigits(
  responses: Float32Array,
  units: number,
  unit: number,
  k: number,
): number[] {
  const count = responses.length / units;
  const order = Array.from({ length: count }, (_, i) => i);
  order.sort((a, b) => responses[b * units + unit] - responses[a * units + unit] || a - b);
  return order.slice(0, k);
}

/** One layer's output for one digit. */
export interface LayerActivation {
  layer: number;
  name: string;
  shape: Shape;
  /** A copy: [size] values (channels-last for images); the output layer's are probabilities. */
  values: Float32Array;
}

/**
 * Every layer's output for sample `row` of the last `forward` (copies), input to output; the
 * output layer's logits are given as softmax probabilities.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "./network.ts";
 * import { layerActivations } from "./inspect.ts";
 *
 * const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" });
 * network.input.fill(0.5, 0, 784);
 * const probabilities = network.forward(1);
 * const layers = layerActivations(network);
 * assert.equal(layers[0].values.length, 16);
 * assert.deepEqual(layers[1].values, probabilities);
 * ```
 */
export function layerActivations(network: Network, row = 0): LayerActivation[] {
  const outputs = network.layerOutputs();
  const names = network.summary();
  return outputs.map((output, k) => {
    const size = network.layerSizes[k + 1];
    const values = output.slice(row * size, (row + 1) * size);
    if (k === outputs.length - 1) softmaxInPlace(values);
    return { layer: k, name: names[k].layer, shape: network.layerShapes[k], values };
  });
}

function softmaxInPlace(z: Float32Array): void {
  let max = -Infinity;
  for (const v of z) if (v > max) max = v;
  let sum = 0;
  for (let i = 0; i < z.length; i++) sum += z[i] = Math.exp(z[i] - max);
  for (let i = 0; i < z.length; i++) z[i] /= sum;
}

/** How one training step went for one layer. */
export interface LayerTrainingStats {
  layer: number;
  name: string;
  /** ||dC/dW|| and ||dC/db|| together: the gradient of the last batch. */
  gradientNorm: number;
  /** ||W|| (weights and bias). */
  weightNorm: number;
  /**
   * ||W_after - W_before|| / ||W_before|| of the last update: about 1e-3 is healthy; much
   * smaller learns slowly, much larger (1e-1) jumps around.
   */
  updateRatio: number;
}

/**
 * Watches training from the network's buffers: `snapshot()` copies the weights (before an
 * update), `measure()` (after `backward` and `applyGradients`) reads the gradients still in
 * their buffers and compares the weights with the snapshot. Costs two passes over the
 * weights, so call it every few hundred batches, not every batch.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "./network.ts";
 * import { defaultOptimizerSettings } from "./optimizer.ts";
 * import { TrainingMonitor } from "./inspect.ts";
 *
 * const network = new Network({ layerSizes: [784, 8, 10], activation: "relu" }, { maxBatch: 2 });
 * const monitor = new TrainingMonitor(network);
 * network.input.fill(0.3, 0, 2 * 784);
 * monitor.snapshot();
 * network.trainBatch(new Uint8Array([3, 5]), 2, defaultOptimizerSettings("sgd"), 0.1);
 * const [hidden, output] = monitor.measure();
 * assert.ok(hidden.gradientNorm > 0 && output.updateRatio > 0);
 * ```
 */
export class TrainingMonitor {
  private readonly layers: { layer: number; name: string; params: number[] }[];
  private readonly before: Float32Array[];
  private snapped = false;

  constructor(private readonly network: Network) {
    const infos = layerInfos(network);
    this.layers = infos.filter((l) => l.weight).map((l) => ({
      layer: l.index,
      name: l.name,
      params: network.parameters.flatMap((p, i) =>
        p.name.startsWith(`layers.${l.index}.`) ? [i] : []
      ),
    }));
    this.before = network.parameters.map((p) => new Float32Array(p.value.length));
  }

  /** Copies the weights as they are now (call just before the update to be measured). */
  snapshot(): void {
    this.network.parameters.forEach((p, i) => this.before[i].set(p.value));
    this.snapped = true;
  }

  /** Per layer with weights: gradient norm, weight norm and (after a snapshot) update ratio. */
  measure(): LayerTrainingStats[] {
    const parameters = this.network.parameters;
    return this.layers.map(({ layer, name, params }) => {
      let grad = 0;
      let weight = 0;
      let change = 0;
      let old = 0;
      for (const i of params) {
        const { value, grad: g } = parameters[i];
        const b = this.before[i];
        for (let j = 0; j < value.length; j++) {
          grad += g[j] * g[j];
          weight += value[j] * value[j];
          if (this.snapped) {
            const d = value[j] - b[j];
            change += d * d;
            old += b[j] * b[j];
          }
        }
      }
      return {
        layer,
        name,
        gradientNorm: Math.sqrt(grad),
        weightNorm: Math.sqrt(weight),
        updateRatio: this.snapped && old > 0 ? Math.sqrt(change / old) : NaN,
      };
    });
  }
}
