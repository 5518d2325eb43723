/**
 * Architectures as lists of layers, and the readable spec that names them on a command line.
 *
 * Spec syntax: comma-separated hidden layers, input to output; the output layer (`dense` to the
 * 10 digits with softmax) is always appended. Whitespace around items is ignored.
 *
 * | item          | layer                                                              |
 * | ------------- | ------------------------------------------------------------------ |
 * | `conv5x32`    | convolution, 5x5 kernels, 32 output channels, `same` padding, bias |
 * | `conv5x32v`   | the same with `valid` padding (no border: 28x28 becomes 24x24)     |
 * | `pool`        | 2x2 max pooling, stride 2 (28x28 becomes 14x14)                    |
 * | `flatten`     | image to a flat vector (optional: `dense` flattens its input)      |
 * | `dense128`    | fully connected, 128 units                                         |
 * | `dropout0.5`  | zeroes each value with probability 0.5 while training              |
 * | `bn`          | batch normalization of the conv or dense layer before it (then its |
 * |               | activation): per channel, over the batch while training            |
 * | `standardize` | the input as (x - 0.1307) / 0.3081 (MNIST's mean and spread); first |
 *
 * Presets: `mlp` (dense256: today's 784-256-10), `cnn`
 * (conv5x32,pool,conv5x64,pool,dense128,dropout0.5) and `lenet5`
 * (conv5x6,pool,conv5x16v,pool,dense120,dense84). `conv` and `dense` layers use the activation
 * given to the parser (ReLU by default).
 *
 * Images are channels-last, `[height, width, channels]`, like Keras: one MNIST batch is
 * [B x 28 x 28 x 1], which is the same memory as [B x 1 x 28 x 28].
 *
 * @module
 */
import { type Activation, ACTIVATIONS } from "./activations.ts";

/** One layer of an architecture, as model files store it. */
export type LayerSpec =
  | ConvSpec
  | { kind: "pool" }
  | { kind: "flatten" }
  | DenseSpec
  | { kind: "dropout"; rate: number }
  | { kind: "bn" }
  // The input shifted and scaled, (x - mean) / std: what `--standardize` puts first.
  | { kind: "standardize"; mean: number; std: number };

/** The input shifted and scaled, (x - mean) / std: what `--standardize` puts first. */
export type StandardizeSpec = Extract<LayerSpec, { kind: "standardize" }>;

/** MNIST's pixel mean and standard deviation (0..1 pixels), as `standardize` uses them. */
export const MNIST_MEAN = 0.1307;
/** See MNIST_MEAN. */
export const MNIST_STD = 0.3081;

/** A k x k convolution, stride 1, from the input's channels to `channels`, with bias. */
export interface ConvSpec {
  /** A convolution. */
  kind: "conv";
  /** Kernel side k (5 for 5x5). */
  kernel: number;
  /** Output channels (filters). */
  channels: number;
  /** `same` keeps height and width (zero border of kernel/2); `valid` uses no border. */
  padding: "same" | "valid";
  /** The function after the convolution (after its batch normalization, when `bn` follows). */
  activation: Activation;
  /** Set when a `bn` that followed was folded into the weights (a weights-only file). */
  foldedBn?: true;
}

/** A fully connected layer; `softmax` only on the output layer. */
export interface DenseSpec {
  /** A fully connected layer. */
  kind: "dense";
  /** Output width. */
  units: number;
  /** The function after it (after its batch normalization, when `bn` follows); softmax last. */
  activation: Activation | "softmax";
  /** Set when a `bn` that followed was folded into the weights (a weights-only file). */
  foldedBn?: true;
}

/** A layer's output shape: `[height, width, channels]` for images, `[n]` for vectors. */
export type Shape = readonly number[];

/** An architecture as a list of layers over an input shape; the last layer is dense softmax. */
export interface LayeredArchitecture {
  /** The input's shape: [28, 28, 1] for images, [784] for a flat dense input. */
  inputShape: Shape;
  /** Every layer, input to output; the last is dense softmax over the 10 digits. */
  layers: LayerSpec[];
}

/** MNIST digits: 28 x 28 pixels, one channel. */
export const MNIST_INPUT_SHAPE: Shape = [28, 28, 1];

/** The named architectures `parseLayerSpec` accepts besides a list. */
export const LAYER_PRESETS: Readonly<Record<string, string>> = {
  mlp: "dense256",
  cnn: "conv5x32,pool,conv5x64,pool,dense128,dropout0.5",
  lenet5: "conv5x6,pool,conv5x16v,pool,dense120,dense84",
};

/** Upper bounds that keep a typo from asking for gigabytes. */
const MAX_UNITS = 100_000;
const MAX_CHANNELS = 1024;
const MAX_KERNEL = 15;

const EXPECTED =
  "conv<k>x<channels>[v], pool, flatten, dense<units>, dropout<rate>, bn or standardize";

/**
 * Parses a spec (or a preset name) into the full layer list, output layer included, checking
 * that every layer fits the shape before it. A bad spec throws a one-line RangeError with the
 * 1-based position of the bad item and what was expected there.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseLayerSpec } from "./layer_spec.ts";
 * const architecture = parseLayerSpec("conv5x32,pool,dense128");
 * assert.deepEqual(architecture.layers.map((layer) => layer.kind), ["conv", "pool", "dense", "dense"]);
 * assert.throws(() => parseLayerSpec("conv5x32,pol"), /at 10: expected .*, got "pol"/);
 * ```
 */
export function parseLayerSpec(
  text: string,
  options: { activation?: Activation; inputShape?: Shape; classes?: number } = {},
): LayeredArchitecture {
  const activation = options.activation ?? "relu";
  if (!ACTIVATIONS.includes(activation)) {
    throw new RangeError(`unknown activation ${JSON.stringify(activation)}`);
  }
  const inputShape = options.inputShape ?? MNIST_INPUT_SHAPE;
  const preset = LAYER_PRESETS[text.trim()];
  const source = preset ?? text;
  const fail = (column: number, message: string): never => {
    const where = preset === undefined ? `at ${column}` : `in preset ${text.trim()}`;
    throw new RangeError(`layer spec ${JSON.stringify(text)}: ${where}: ${message}`);
  };
  const layers: LayerSpec[] = [];
  let shape = inputShape;
  let column = 1;
  for (const raw of source.split(",")) {
    const leading = raw.length - raw.trimStart().length;
    const item = raw.trim();
    const at = column + leading;
    column += raw.length + 1;
    const layer = parseItem(item, activation);
    if (typeof layer === "string") fail(at, `expected ${layer}, got ${JSON.stringify(item)}`);
    const placement = placementProblem(layer as LayerSpec, layers[layers.length - 1]);
    if (placement) fail(at, placement);
    const next = outputShape(shape, layer as LayerSpec);
    if (typeof next === "string") fail(at, `${item}: ${next}`);
    layers.push(layer as LayerSpec);
    shape = next as Shape;
  }
  layers.push({ kind: "dense", units: options.classes ?? 10, activation: "softmax" });
  return { inputShape: [...inputShape], layers };
}

/** One item of a spec, or what was expected instead. */
function parseItem(item: string, activation: Activation): LayerSpec | string {
  if (item === "pool") return { kind: "pool" };
  if (item === "flatten") return { kind: "flatten" };
  if (item === "bn") return { kind: "bn" };
  if (item === "standardize") return { kind: "standardize", mean: MNIST_MEAN, std: MNIST_STD };
  let match = /^conv(\d+)x(\d+)([vs]?)$/.exec(item);
  if (match) {
    const kernel = Number(match[1]);
    const channels = Number(match[2]);
    if (kernel < 1 || kernel > MAX_KERNEL) return `a kernel size of 1..${MAX_KERNEL}`;
    if (channels < 1 || channels > MAX_CHANNELS) return `1..${MAX_CHANNELS} channels`;
    const padding = match[3] === "v" ? "valid" : "same";
    if (padding === "same" && kernel % 2 === 0) {
      return `an odd kernel size for same padding (or conv${kernel}x${channels}v)`;
    }
    return { kind: "conv", kernel, channels, padding, activation };
  }
  match = /^dense(\d+)$/.exec(item);
  if (match) {
    const units = Number(match[1]);
    if (units < 1 || units > MAX_UNITS) return `dense with 1..${MAX_UNITS} units`;
    return { kind: "dense", units, activation };
  }
  match = /^dropout(\d*\.?\d+)$/.exec(item);
  if (match) {
    const rate = Number(match[1]);
    if (!(rate >= 0 && rate < 1)) return "a dropout rate from 0 up to (not including) 1";
    return { kind: "dropout", rate };
  }
  return item === "" ? `a layer (${EXPECTED})` : EXPECTED;
}

/** Why `layer` cannot come after `previous` (bn after conv or dense; standardize first). */
function placementProblem(layer: LayerSpec, previous: LayerSpec | undefined): string | undefined {
  if (layer.kind === "bn" && previous?.kind !== "conv" && previous?.kind !== "dense") {
    return "bn normalizes the conv or dense layer right before it";
  }
  if (layer.kind === "standardize" && previous !== undefined) {
    return "standardize is the input's: it comes first";
  }
  return undefined;
}

/**
 * The activation each layer applies when it runs: a conv or dense layer followed by `bn` applies
 * none (its batch normalization applies its activation), other layers none either.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { appliedActivations, parseLayerSpec } from "./layer_spec.ts";
 * const { layers } = parseLayerSpec("conv5x8,bn,pool,dense16");
 * assert.deepEqual(appliedActivations(layers), [undefined, "relu", undefined, "relu", undefined]);
 * ```
 */
export function appliedActivations(layers: readonly LayerSpec[]): (Activation | undefined)[] {
  return layers.map((layer, k) => {
    if (layer.kind === "bn") {
      const before = layers[k - 1];
      return before?.kind === "conv" || before?.kind === "dense"
        ? before.activation as Activation
        : undefined;
    }
    if (layer.kind !== "conv" && layer.kind !== "dense") return undefined;
    if (layers[k + 1]?.kind === "bn" || layer.activation === "softmax") return undefined;
    return layer.activation;
  });
}

/**
 * The shape `layer` makes of `input`, or why it cannot take that input.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { outputShape } from "./layer_spec.ts";
 * assert.deepEqual(outputShape([28, 28, 1], { kind: "pool" }), [14, 14, 1]);
 * ```
 */
export function outputShape(input: Shape, layer: LayerSpec): Shape | string {
  const size = input.reduce((a, b) => a * b, 1);
  if (layer.kind === "dense") return [layer.units];
  if (layer.kind === "flatten") return [size];
  if (layer.kind === "dropout" || layer.kind === "bn" || layer.kind === "standardize") return input;
  if (input.length !== 3) return `needs an image input, got a flat vector of ${size}`;
  const [height, width, channels] = input;
  if (layer.kind === "pool") {
    if (height < 2 || width < 2) return `needs at least 2x2, got ${height}x${width}`;
    return [Math.floor(height / 2), Math.floor(width / 2), channels];
  }
  if (layer.padding === "same") return [height, width, layer.channels];
  if (layer.kernel > height || layer.kernel > width) {
    return `a ${layer.kernel}x${layer.kernel} kernel does not fit ${height}x${width} without padding`;
  }
  return [height - layer.kernel + 1, width - layer.kernel + 1, layer.channels];
}

/**
 * Checks a stored layer list (from a model file) the way the parser checks a spec: known kinds,
 * sane sizes, shapes that chain, softmax exactly at the end. Returns the problem or undefined.
 */
export function checkLayers(architecture: LayeredArchitecture): string | undefined {
  const { inputShape, layers } = architecture;
  if (
    !Array.isArray(inputShape) || (inputShape.length !== 1 && inputShape.length !== 3) ||
    !inputShape.every((n) => Number.isInteger(n) && n >= 1 && n <= MAX_UNITS)
  ) return `input shape ${JSON.stringify(inputShape)} is not [n] or [height, width, channels]`;
  if (!Array.isArray(layers) || layers.length === 0) return "the layer list is empty";
  let shape: Shape = inputShape;
  for (let k = 0; k < layers.length; k++) {
    const layer = layers[k];
    const name = `layer ${k} (${JSON.stringify(layer)})`;
    const isLast = k === layers.length - 1;
    const sizeOk = (n: unknown, max: number) =>
      Number.isInteger(n) && n as number >= 1 && n as number <= max;
    if (typeof layer !== "object" || layer === null) return `${name} is not a layer`;
    if (layer.kind === "dense") {
      if (!sizeOk(layer.units, MAX_UNITS)) return `${name} has a bad unit count`;
      if (isLast !== (layer.activation === "softmax")) {
        return isLast ? "the last layer must be dense softmax" : `${name}: softmax only at the end`;
      }
      if (!isLast && !ACTIVATIONS.includes(layer.activation as Activation)) {
        return `${name} has an unknown activation`;
      }
    } else if (isLast) return "the last layer must be dense softmax";
    else if (layer.kind === "conv") {
      if (!sizeOk(layer.kernel, MAX_KERNEL) || !sizeOk(layer.channels, MAX_CHANNELS)) {
        return `${name} has bad sizes`;
      }
      if (layer.padding !== "same" && layer.padding !== "valid") return `${name}: bad padding`;
      if (layer.padding === "same" && layer.kernel % 2 === 0) return `${name}: even same kernel`;
      if (!ACTIVATIONS.includes(layer.activation)) return `${name} has an unknown activation`;
    } else if (layer.kind === "dropout") {
      if (!(layer.rate >= 0 && layer.rate < 1)) return `${name} has a bad rate`;
    } else if (layer.kind === "standardize") {
      if (!Number.isFinite(layer.mean) || !(layer.std > 0 && Number.isFinite(layer.std))) {
        return `${name} has a bad mean or std`;
      }
    } else if (layer.kind !== "pool" && layer.kind !== "flatten" && layer.kind !== "bn") {
      return `${name}: unknown kind`;
    }
    const placement = placementProblem(layer, layers[k - 1]);
    if (placement) return `${name}: ${placement}`;
    const next = outputShape(shape, layer);
    if (typeof next === "string") return `${name} ${next}`;
    shape = next;
  }
  return undefined;
}

/**
 * How many weights and biases a (checked) architecture has, without building it: model files
 * compare it with the numbers they hold before allocating anything.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { countParameters, parseLayerSpec } from "./layer_spec.ts";
 * assert.equal(countParameters(parseLayerSpec("mlp")), 784 * 256 + 256 + 256 * 10 + 10);
 * ```
 */
export function countParameters(architecture: LayeredArchitecture): number {
  let shape = architecture.inputShape;
  let count = 0;
  for (const layer of architecture.layers) {
    const inSize = shape.reduce((a, b) => a * b, 1);
    if (layer.kind === "dense") count += (inSize + 1) * layer.units;
    if (layer.kind === "conv") {
      count += (layer.kernel * layer.kernel * shape[shape.length - 1] + 1) * layer.channels;
    }
    // Scale and shift per channel (the running mean and variance are not counted: buffers).
    if (layer.kind === "bn") count += 2 * shape[shape.length - 1];
    const next = outputShape(shape, layer);
    if (typeof next === "string") throw new RangeError(`bad layer list: ${next}`);
    shape = next;
  }
  return count;
}

/**
 * The spec text of a layer list (the output layer left out), as `parseLayerSpec` reads it back.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatLayerSpec, parseLayerSpec } from "./layer_spec.ts";
 * assert.equal(formatLayerSpec(parseLayerSpec("cnn").layers), "conv5x32,pool,conv5x64,pool,dense128,dropout0.5");
 * ```
 */
export function formatLayerSpec(layers: readonly LayerSpec[]): string {
  return layers.filter((layer) => !(layer.kind === "dense" && layer.activation === "softmax"))
    .map((layer) => {
      if (layer.kind === "conv") {
        return `conv${layer.kernel}x${layer.channels}${layer.padding === "valid" ? "v" : ""}`;
      }
      if (layer.kind === "dense") return `dense${layer.units}`;
      if (layer.kind === "dropout") return `dropout${layer.rate}`;
      if (layer.kind === "standardize") {
        return layer.mean === MNIST_MEAN && layer.std === MNIST_STD
          ? "standardize"
          : `standardize(${layer.mean}/${layer.std})`;
      }
      return layer.kind;
    }).join(",");
}

/**
 * The layer list of a dense network `[in, ...hidden, out]`: hidden dense layers with
 * `activation`, then dense softmax.
 */
export function denseLayers(layerSizes: readonly number[], activation: Activation): LayerSpec[] {
  return layerSizes.slice(1).map((units, k) => ({
    kind: "dense",
    units,
    activation: k === layerSizes.length - 2 ? "softmax" : activation,
  }));
}
