/**
 * Looking inside a network: the statistics of its weights and gradients, each layer's
 * activations of a batch, which hidden units never fire on a set of digits, and, while it
 * trains, each layer's gradient norm and how much one update moves its weights. Read-only:
 * nothing here changes a network's weights.
 *
 * The Train screen's live panel (`PanelProbe`) and the Inspect screen's weight tiles
 * (`unitTile`) come from here too.
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

/** The geometry of `layer`'s weight tiles: 28x28 for dense units, k x k for conv filters. */
export function tileGeometry(network: Network, layer: number): { side: number; isConv: boolean } {
  const spec = network.layers[layer];
  if (spec.kind === "conv") return { side: spec.kernel, isConv: true };
  return { side: Math.round(Math.sqrt(network.layerSizes[0])), isConv: false };
}

/**
 * One unit's incoming weights as a tile: a dense unit's column [inputs], a conv filter's
 * k x k taps summed over its input channels (one for MNIST). A fresh copy.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "./network.ts";
 * import { unitTile } from "./inspect.ts";
 *
 * const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" });
 * const tile = unitTile(network, 0, 3); // hidden unit 3's 784 weights
 * assert.equal(tile.length, 784);
 * assert.equal(tile[5], network.weights[0][5 * 16 + 3]);
 * ```
 */
export function unitTile(network: Network, layer: number, unit: number): Float32Array {
  const weight = network.parameters.find((p) => p.name === `layers.${layer}.weight`)!;
  const spec = network.layers[layer];
  if (spec.kind === "conv") {
    // [out, k, k, in]: a filter's k x k taps (summed over input channels: one for MNIST)
    const [, k, , channels] = weight.shape;
    const tile = new Float32Array(k * k);
    for (let t = 0; t < k * k; t++) {
      for (let c = 0; c < channels; c++) tile[t] += weight.value[(unit * k * k + t) * channels + c];
    }
    return tile;
  }
  // dense [in x out]: unit u's weights are column u
  const [inputs, outputs] = weight.shape;
  const tile = new Float32Array(inputs);
  for (let i = 0; i < inputs; i++) tile[i] = weight.value[i * outputs + unit];
  return tile;
}

/**
 * Which of the 784 pixels any of `images` inks (1) and which none does (0): MNIST's border
 * pixels are never inked, so a first-layer unit's weights there get no gradient and keep their
 * random start, a noisy frame that hides the unit's pattern.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { inkedPixels } from "./inspect.ts";
 *
 * const pixels = new Uint8Array(2 * 4);
 * pixels[1] = 200; // digit 0 inks pixel 1
 * pixels[4 + 2] = 3; // digit 1 inks pixel 2
 * assert.deepEqual(inkedPixels({ pixels, count: 2 }), new Uint8Array([0, 1, 1, 0]));
 * ```
 */
export function inkedPixels(images: DigitImages): Uint8Array {
  const size = images.pixels.length / Math.max(1, images.count);
  const inked = new Uint8Array(size);
  const { pixels } = images;
  for (let i = 0; i < pixels.length; i++) if (pixels[i] > 0) inked[i % size] = 1;
  return inked;
}

/**
 * A weight tile as it is shown: divided by the `clip` quantile of its magnitudes (0.98: the
 * strongest 2% saturate instead of dimming everything else) and clamped to -1..1; where
 * `inked` says no training digit ever inks a pixel (a dense tile of the same size), NaN, drawn
 * as a neutral mark.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { displayTile } from "./inspect.ts";
 *
 * const tile = new Float32Array([0.1, -0.2, 0.2, 5]);
 * const shown = displayTile(tile, { clip: 0.5, inked: new Uint8Array([1, 1, 1, 0]) });
 * assert.deepEqual([...shown.subarray(0, 3)], [0.5, -1, 1]);
 * assert.ok(Number.isNaN(shown[3]));
 * ```
 */
export function displayTile(
  tile: Float32Array,
  options: { inked?: Uint8Array; clip?: number } = {},
): Float32Array {
  const inked = options.inked?.length === tile.length ? options.inked : undefined;
  const magnitudes: number[] = [];
  for (let i = 0; i < tile.length; i++) if (!inked || inked[i]) magnitudes.push(Math.abs(tile[i]));
  magnitudes.sort((a, b) => a - b);
  const clip = options.clip ?? 1;
  const scale = magnitudes[Math.min(magnitudes.length - 1, Math.floor(clip * magnitudes.length))] ??
    0;
  const shown = new Float32Array(tile.length);
  for (let i = 0; i < tile.length; i++) {
    shown[i] = inked && !inked[i]
      ? NaN
      : scale > 0
      ? Math.max(-1, Math.min(1, tile[i] / scale))
      : 0;
  }
  return shown;
}

/**
 * How smooth a tile [side x side] is: the correlation between each pixel and its right and lower
 * neighbours (NaN pixels left out). Random weights give about 0; strokes and blobs, near 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { neighbourCorrelation } from "./inspect.ts";
 *
 * const ramp = new Float32Array(16).map((_, i) => i % 4); // smooth left to right
 * assert.ok(neighbourCorrelation(ramp, 4) > 0.4);
 * const checker = new Float32Array(16).map((_, i) => ((i % 4) + Math.floor(i / 4)) % 2);
 * assert.ok(neighbourCorrelation(checker, 4) < -0.9);
 * ```
 */
export function neighbourCorrelation(tile: ArrayLike<number>, side: number): number {
  let n = 0, sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
  const pair = (a: number, b: number) => {
    if (!Number.isFinite(a) || !Number.isFinite(b)) return;
    n++;
    sa += a;
    sb += b;
    saa += a * a;
    sbb += b * b;
    sab += a * b;
  };
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      if (x + 1 < side) pair(tile[y * side + x], tile[y * side + x + 1]);
      if (y + 1 < side) pair(tile[y * side + x], tile[(y + 1) * side + x]);
    }
  }
  if (n < 2) return 0;
  const cov = sab / n - (sa / n) * (sb / n);
  const va = saa / n - (sa / n) ** 2, vb = sbb / n - (sb / n) ** 2;
  return va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : 0;
}

/** The first `count` units' tiles of `layer` as shown (fewer when it has fewer). */
function firstTiles(
  network: Network,
  layer: number,
  count: number,
  inked: Uint8Array | undefined,
): Float32Array[] {
  const shape = network.layerShapes[layer];
  const units = Math.min(count, shape[shape.length - 1]);
  return Array.from(
    { length: units },
    (_, unit) => displayTile(unitTile(network, layer, unit), { inked, clip: TILE_CLIP }),
  );
}

/** The quantile of a tile's weight magnitudes shown at full brightness. */
export const TILE_CLIP = 0.98;

/** Batches between two looks at the weights (tiles, gradient norms, update ratios). */
export const PANEL_EVERY = 300;

/** What the Train screen's live panel shows: a few first-layer weight tiles and each layer's gradient. */
export interface TrainPanel {
  /** Batches trained in this run when it was taken. */
  batch: number;
  /**
   * A few first-layer units' weights as shown (dense: 28x28; conv: k x k filters): scaled to
   * -1..1 by `displayTile`, NaN where no training digit inks.
   */
  tiles: Float32Array[];
  tileSide: number;
  conv: boolean;
  /** Per layer with weights: gradient norm, and update/weight ratio of one update. */
  layers: LayerTrainingStats[];
}

/**
 * Takes the live panel's data from a training network every PANEL_EVERY batches (and after
 * the first), from its buffers: a snapshot of the weights one batch before, then the
 * gradients and the weights after that batch's update. Copies small data (a few tiles, a
 * number per layer), so the view never holds the network's live buffers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "./network.ts";
 * import { PanelProbe } from "./inspect.ts";
 *
 * const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" });
 * const probe = new PanelProbe(network, 4);
 * const panel = probe.afterBatch(); // the first batch: a panel at once
 * assert.equal(panel?.tiles.length, 4);
 * assert.equal(panel?.tiles[0].length, 784);
 * assert.equal(probe.afterBatch(), undefined);
 * ```
 */
export class PanelProbe {
  private readonly monitor: TrainingMonitor;
  private batches = 0;
  private readonly layer: number;

  /**
   * @param network the network being trained
   * @param tileCount how many first-layer tiles a panel holds
   * @param inked which pixels the training digits ink (`inkedPixels`), to mark the others
   */
  constructor(
    private readonly network: Network,
    private readonly tileCount = 8,
    private readonly inked?: Uint8Array,
  ) {
    this.monitor = new TrainingMonitor(network);
    this.layer = network.layers.findIndex((l) => l.kind === "conv" || l.kind === "dense");
  }

  /** Call after every batch's update; returns a panel when one is due. */
  afterBatch(): TrainPanel | undefined {
    this.batches++;
    const due = this.batches === 1 || this.batches % PANEL_EVERY === 0;
    // one batch before a panel: remember the weights, to measure that one update
    if ((this.batches + 1) % PANEL_EVERY === 0) this.monitor.snapshot();
    if (!due) return undefined;
    return this.panel();
  }

  /** A panel of the weights as they are now (at the end of a run: its last look). */
  panel(): TrainPanel {
    return {
      batch: this.batches,
      tiles: firstTiles(this.network, this.layer, this.tileCount, this.inked),
      tileSide: tileGeometry(this.network, this.layer).side,
      conv: this.network.layers[this.layer].kind === "conv",
      layers: this.monitor.measure(),
    };
  }
}
