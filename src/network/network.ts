/**
 * The network: a list of layers (dense, convolution, max pooling, dropout) trained by
 * mini-batch backprop on Float32Arrays that are allocated once. Read it with Nielsen's
 * chapter 2 at hand; his column vectors are our rows.
 *
 * ## The math, in this code's row-major notation
 *
 * A batch holds B samples, one per row. In a dense network, layer k = 1..L has weights
 * W_k [n_(k-1) x n_k] and bias b_k [n_k]; n_0 = 784 pixels, n_L = 10 digits; a_0 = X
 * [B x 784]; f is the hidden activation (activations.ts).
 *
 * Forward pass (`Network.forward`):
 *
 *     z_k [B x n_k] = a_(k-1) [B x n_(k-1)] · W_k [n_(k-1) x n_k] + b_k   Kernels.forwardDense
 *     a_k [B x n_k] = f(z_k)                        for k < L            activateInPlace
 *     a_L [B x 10]  = softmax(z_L), row by row                           softmaxRows
 *     C = -(1/B) sum_b log a_L[b, y_b]           (from z_L, stably)     Network.evaluateLoss
 *
 * The four backprop equations (`Network.backward`), with delta_k = dC/dz_k [B x n_k]:
 *
 *     (BP1) delta_L = (a_L - onehot(y)) / B           softmax + cross-entropy, in backward
 *     (BP2) delta_k = (delta_(k+1) · W_(k+1)^T) ⊙ f'(z_k)
 *                                   Kernels.backDense, then multiplyByDerivative (f' from a_k)
 *     (BP3) dC/db_k [n_k] = sum over rows of delta_k                     Kernels.gradDense
 *     (BP4) dC/dW_k [n_(k-1) x n_k] = a_(k-1)^T · delta_k               Kernels.gradDense
 *
 * `Network.applyGradients` then takes one optimizer step with those gradients (sgd, momentum,
 * AdamW: optimizer.ts and the kernels' `sgdStep`/`adamStep`); `Network.trainBatch` is forward,
 * loss, backward and step.
 *
 * ## Other layers (layers.ts)
 *
 * A network is a list of layers; the dense ones above are one kind. Each layer's `forward`
 * computes its a_k from a_(k-1), and its `backward` turns dC/da_k into dC/dz_k (BP2's ⊙ f')
 * and passes dC/da_(k-1) down. With images channels-last, [B x H x W x C]:
 *
 *     conv    z [P x F] = col(a_(k-1)) [P x kkC] · W^T [kkC x F] + b      Kernels.convForward
 *             (P = B·H'·W' output pixels; a row of col is the k x k x C patch under a pixel)
 *             dC/dW [F x kkC] = delta^T · col             Kernels.convGradWeights
 *             dC/db = sum over rows of delta              Kernels.sumRows
 *             dC/da_(k-1) = col2im(delta · W)              Kernels.convBackInput
 *             (below 8 input channels: im2col, forwardDense, addGradWeights, col2im)
 *     pool    a = max of each 2x2 window;  dC/da_(k-1) = dC/da at the window's max, 0 elsewhere
 *                                                           Kernels.maxPool, maxPoolGrad
 *     dropout a = a_(k-1) ⊙ m,  m = 0 or 1/(1 - rate) while training (1 at inference);
 *             dC/da_(k-1) = dC/da ⊙ m
 *     flatten a = a_(k-1) read as [B x H·W·C] (no copy)
 *
 * ## Buffers
 *
 * Every tensor is a view into one arena from `Kernels.arena` (so the WebAssembly kernels work on
 * it in place), sized once for `maxBatch` rows: the input; per parameter its value, gradient
 * and two optimizer moments; per layer its output a_k and dC/da_k (made dC/dz_k in place);
 * per conv layer the kernels' working space (and, below 8 input channels, patch rows for a
 * cache-sized chunk of samples); the softmax output.
 * Nothing is allocated per batch.
 *
 * ## Two halves, one or two threads (`halves`, half_batch_engine.ts)
 *
 * Built with `halves`, a network trains each batch as two halves (forward and backward), then
 * sums their gradients in a fixed order (dense layers: each part of the weights over the whole
 * batch's samples in order; other layers: first half + second half), on one thread or two with
 * the same bits: `network.halves` is that engine.
 * This file only builds the arena it needs; the cutting and the threads are over there.
 *
 * @module
 */

import type { Activation } from "./activations.ts";
import { createTsKernels, type Kernels } from "./kernels.ts";
import {
  checkLayers,
  denseLayers,
  formatLayerSpec,
  type LayeredArchitecture,
  type LayerSpec,
  outputShape,
  type Shape,
} from "./layer_spec.ts";
import {
  activationContext,
  createLayer,
  type Layer,
  newParameter,
  type Parameter,
  updateRunningStatistics,
} from "./layers.ts";
import type { OptimizerSettings } from "./optimizer.ts";
import {
  adamCorrections,
  adamUpdate,
  type OptimizerStep,
  stepParameters,
  type StepPart,
} from "./half_batch.ts";
import {
  buildSecondHalf,
  type BuiltLayers,
  HalfBatchEngine,
  type SecondHalf,
} from "./half_batch_engine.ts";
import { Random } from "./random.ts";
import { crossEntropy, outputDelta, softmaxRows } from "./softmax.ts";
export {
  bestDigit,
  DIGIT_CLASSES,
  hasNotADigitOutput,
  NOT_A_DIGIT,
  NOT_A_DIGIT_OUTPUT,
} from "./softmax.ts";

export type { Parameter } from "./layers.ts";

/** The shape of a dense network: layer sizes `[784, ...hidden, 10]` and the hidden activation. */
export interface Architecture {
  /** Widths: 784 inputs, the hidden layers, 10 outputs. */
  layerSizes: number[];
  /** The hidden layers' activation (the output is softmax). */
  activation: Activation;
}

/** Loss and hits of one batch. */
export interface BatchResult {
  /** Mean cross-entropy over the batch. */
  loss: number;
  /** How many samples the network predicted right. */
  correct: number;
}

/** Options for building a network. */
export interface NetworkOptions {
  /** Largest batch `forward` will be asked for; buffers are sized for it once. Default 256. */
  maxBatch?: number;
  /**
   * Kernel implementation; default the TypeScript reference kernels (src/network/kernels.ts;
   * the trainer picks the WebAssembly ones). Machinery, left out of the library's docs.
   *
   * @ignore
   */
  kernels?: Kernels;
  /** Seed for the initial weights (and the dropout masks). Default 1. */
  seed?: number;
  /** Also compute dL/d(input) in `backward`, into `inputGrad` (gradient checks, saliency). */
  inputGradient?: boolean;
  /**
   * Train every batch as two halves whose gradients are summed in a fixed order (dense layers:
   * the whole batch in sample order, as one pass does; others: first half + second half), so
   * that one thread and two (`HalfBatchThread`) compute the same bits. Costs a second set of
   * gradients and of the conv layers' working space. Default false: one pass.
   *
   * @ignore
   */
  halves?: boolean;
  /**
   * The arena is another thread's network's (`attachWasmKernels`): build the same views on it
   * and leave its weights as they are (no initialization). Needs `halves`.
   *
   * @ignore
   */
  attached?: boolean;
}

/** How a model's outputs are read (see `Network.readout`). */
export interface Readout {
  /** Temperature T of softmax(z / T) in `predict`: 1 leaves the softmax as trained. */
  temperature: number;
  /** A calibrated confidence under this means "not a digit"; null: no learned refusal. */
  refuseBelow: number | null;
  /**
   * How many times a CNN's reading of a user's digit counts the digit as it is among its views
   * (src/train/views.ts); absent: once, as files calibrated before it was recorded were.
   */
  asIsWeight?: number;
  /**
   * How a model with the "not a digit" output is read (src/train/refusal_rule.ts):
   * "digitShare": in two parts, which digit (the ten digits' probabilities renormalized over
   * the ten) and whether it is one (refused when 1 - p(not a digit) is under `refuseBelow`).
   * Absent (files calibrated before it): the digits' shares of the eleven-way softmax, refused
   * when the best one is under `refuseBelow`.
   */
  refusalScore?: "digitShare";
}

/** One row of `Network.summary()`, like a line of Keras's `model.summary()`. */
export interface LayerSummary {
  /** The layer as a spec item (`conv5x32`, `pool`, ...); the output layer is `dense10 softmax`. */
  layer: string;
  /** The shape of one sample's output, e.g. [14, 14, 32] or [128]. */
  outputShape: number[];
  /** Weights and biases of the layer. */
  parameters: number;
}

/**
 * A feed-forward network, a list of layers ending in softmax with cross-entropy loss, computed
 * in mini-batches over Float32Arrays that are allocated once (one arena) and reused. Built from
 * `{ layerSizes, activation }` (a dense network) or from a layer list (`parseLayerSpec`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "./network.ts";
 * import { parseLayerSpec } from "./layer_spec.ts";
 * const mlp = new Network({ layerSizes: [784, 128, 10], activation: "relu" }, { seed: 7 });
 * mlp.input.fill(0.5, 0, 784); // [batch x 784], 0..1
 * const probabilities = mlp.forward(1); // [1 x 10]
 * assert.equal(probabilities.length, 10);
 * const cnn = new Network(parseLayerSpec("conv5x8,pool,dense32"), { maxBatch: 4 });
 * assert.deepEqual(cnn.layerShapes[0], [28, 28, 8]);
 * ```
 */
export class Network {
  /** Flat widths: the input size, then each layer's output size (dense: `[784, ...hidden, 10]`). */
  readonly layerSizes: readonly number[];
  /** The hidden activation (for a layer list: that of its first conv or dense layer). */
  readonly activation: Activation;
  /** The input shape: `[n]` for a dense network, `[height, width, channels]` for images. */
  readonly inputShape: Shape;
  /** The whole layer list, output layer included: what a model file stores. */
  readonly layers: readonly LayerSpec[];
  /** Output shape of each layer. */
  readonly layerShapes: readonly Shape[];
  /** The largest batch the buffers hold. */
  readonly maxBatch: number;
  /**
   * The kernels that compute the products (WebAssembly SIMD or TypeScript).
   *
   * @ignore
   */
  readonly kernels: Kernels;
  /** Weights of each conv and dense layer, in order (dense [in x out], conv [out x k x k x in]). */
  readonly weights: Float32Array[] = [];
  /** Each layer's bias vector, input to output (views of `parameters`). */
  readonly biases: Float32Array[] = [];
  /** Every trainable tensor, weight then bias, layer by layer. */
  readonly parameters: Parameter[] = [];
  /** Tensors saved with the weights that no optimizer trains (batch norm's running stats). */
  readonly stateTensors: Array<{ name: string; shape: number[]; value: Float32Array }> = [];
  /** Optimizer updates applied so far (Adam's bias correction and the schedule use it). */
  optimizerStep = 0;
  /** Seed of the last `initialize`; the dropout masks derive from it and the step. */
  seed = 1;

  private readonly inputBuffer: Float32Array;
  private readonly inputGradBuffer: Float32Array | undefined;
  private readonly runtime: Layer[] = [];
  /** The output layer's logits [maxBatch x classes], kept for a stable log-softmax loss. */
  private readonly logits: Float32Array;
  /** softmax(logits) [maxBatch x classes]. */
  private readonly probabilities: Float32Array;
  private readonly classes: number;
  private lastBatch = 0;
  /** Each parameter cut in two (first half of its values, second half) for the update. */
  private readonly stepParts: [StepPart[], StepPart[]] = [[], []];
  /**
   * The two-halves engine when built with `halves` (half_batch_engine.ts): it trains each
   * batch as two halves, on this thread or with a second one (`startSecondThread`). Thread
   * machinery of the trainer, not part of the library's API (hence left out of its docs).
   *
   * @ignore
   */
  readonly halves: HalfBatchEngine | undefined;
  /**
   * Weight of a not-a-digit sample's loss (label NOT_A_DIGIT), relative to a digit's: the
   * outlier-exposure term lambda * CE(uniform, softmax) (Hendrycks et al. 2019).
   */
  negativeWeight = 1;
  /**
   * How the model's answers are read, from its file: `predict` gives softmax(z / temperature)
   * (temperature scaling, fitted on held-out digits), and a calibrated confidence under
   * `refuseBelow` means "not a digit" (null: the model never learned to refuse).
   */
  readout: Readout = { temperature: 1, refuseBelow: null };

  /** Builds the network and its buffers, with initial weights from `options.seed`. */
  constructor(architecture: Architecture | LayeredArchitecture, options: NetworkOptions = {}) {
    let layered: LayeredArchitecture;
    if ("layers" in architecture) {
      const problem = checkLayers(architecture);
      if (problem) throw new RangeError(`bad layer list: ${problem}`);
      layered = architecture;
      const first = layered.layers.find((l) => l.kind === "conv" || l.kind === "dense");
      this.activation = first && first.activation !== "softmax" ? first.activation : "relu";
    } else {
      const sizes = architecture.layerSizes;
      if (sizes.length < 2 || sizes.some((size) => !Number.isInteger(size) || size < 1)) {
        throw new RangeError(`layer sizes must be at least two positive integers, got [${sizes}]`);
      }
      layered = { inputShape: [sizes[0]], layers: denseLayers(sizes, architecture.activation) };
      this.activation = architecture.activation;
    }
    this.inputShape = [...layered.inputShape];
    this.layers = layered.layers.map((layer) => ({ ...layer }));
    const shapes: Shape[] = [];
    let shape = this.inputShape;
    for (const layer of this.layers) shapes.push(shape = outputShape(shape, layer) as Shape);
    this.layerShapes = shapes;
    const size = (s: Shape) => s.reduce((a, b) => a * b, 1);
    this.layerSizes = [size(this.inputShape), ...shapes.map(size)];
    this.classes = this.layerSizes[this.layerSizes.length - 1];
    this.maxBatch = options.maxBatch ?? 256;
    this.kernels = options.kernels ?? createTsKernels();

    // Build twice: once counting the floats every buffer needs, then for real in one arena
    // (the WebAssembly kernels can grow their memory only once).
    const halves = options.halves ?? false;
    const withInputGrad = options.inputGradient ?? false;
    const aligned = (n: number) => Math.ceil(n / 4) * 4; // 16-byte alignment for SIMD loads
    let total = 0;
    const count = (n: number) => {
      total += aligned(n);
      return new Float32Array(0);
    };
    const counted = this.build(count, withInputGrad);
    if (halves) buildSecondHalf(this, count, counted);
    const arena = this.kernels.arena(total);
    let offset = 0;
    const take = (n: number) => {
      const view = arena.subarray(offset, offset + n);
      offset += aligned(n);
      return view;
    };
    const built = this.build(take, withInputGrad);
    this.inputBuffer = built.input;
    this.inputGradBuffer = built.inputGrad;
    this.runtime = built.layers;
    this.probabilities = built.probabilities;
    this.logits = this.runtime[this.runtime.length - 1].output;
    const second: SecondHalf | undefined = halves ? buildSecondHalf(this, take, built) : undefined;
    for (const layer of this.runtime) {
      this.stateTensors.push(...layer.state);
      for (const p of layer.parameters) {
        this.parameters.push(p);
        (p.decays ? this.weights : this.biases).push(p.value);
      }
    }
    // The update is cut in two at a multiple of 4 floats of each tensor, one part per thread.
    // With halves, a dense layer's weights are cut between two rows (a multiple of 4, where
    // `updateSplit` says at each batch), each part's rows of the gradient summed over the whole
    // batch by whoever updates them, and stepped in the same pass; its bias goes with the first
    // part. Other layers add the second half's gradient to the first's.
    this.runtime.forEach((layer, index) => {
      const twin = second?.layers[index];
      const wholeBatch = twin !== undefined && layer.weightGradientRows !== undefined;
      layer.parameters.forEach((p, i) => {
        const rows = p.shape[0];
        const width = p.value.length / rows;
        const cut = !wholeBatch
          ? Math.ceil(p.value.length / 8) * 4
          : i === 0
          ? Math.min(rows, Math.ceil(rows / 8) * 4) * width
          : p.value.length;
        for (const [part, from, to] of [[0, 0, cut], [1, cut, p.value.length]] as const) {
          const gradient = wholeBatch && i === 0
            ? (firstRows: number, secondRows: number, step: OptimizerStep | undefined) => {
              // This part's rows: the first `updateSplit` of them (a multiple of 4) or the rest.
              const split = this.splitRow(rows);
              const [first, last] = part === 0 ? [0, split] : [split, rows];
              const db = part === 0 ? layer.parameters[1]?.grad : undefined;
              const adam = step && adamUpdate(step, p.decays, p.value, p.moment1, p.moment2);
              layer.weightGradientRows!(firstRows, twin, secondRows, p.grad, db, first, last, adam);
              if (!step || adam || first === last) return;
              const [start, end] = [first * width, last * width];
              const s = step.settings;
              this.kernels.sgdStep(
                p.value.subarray(start, end),
                p.grad.subarray(start, end),
                p.moment1.subarray(start, end),
                step.learningRate,
                s.kind === "momentum" ? s.momentum : 0,
                p.decays ? s.weightDecay : 0,
              );
            }
            : undefined;
          this.stepParts[part].push({
            value: p.value.subarray(from, to),
            grad: p.grad.subarray(from, to),
            secondGrad: wholeBatch ? undefined : twin?.parameters[i].grad.subarray(from, to),
            moment1: p.moment1.subarray(from, to),
            moment2: p.moment2.subarray(from, to),
            decays: p.decays,
            gradient,
          });
        }
      });
    });
    this.halves = second && new HalfBatchEngine(this, {
      layers: this.runtime,
      probabilities: this.probabilities,
      stepParts: this.stepParts,
      setLastBatch: (batch) => this.lastBatch = batch,
    }, second);
    if (options.attached) {
      if (!halves) throw new RangeError("an attached network must be built with halves");
    } else this.initialize(options.seed ?? 1);
  }

  /**
   * The share of each dense layer's weight rows the first update part takes (with two
   * threads, the main thread's; the other takes the rest), moved by the two-halves engine so
   * that both finish together. No bit of any result depends on it: each row's gradient and
   * step are computed alike whoever computes them.
   *
   * @ignore
   */
  updateSplit = 0.5;

  /**
   * Where `updateSplit` cuts a dense weight of `rows` rows: a multiple of 4 rows, leaving both
   * parts at least 4 (all rows to the first part below 8, as the parts were cut).
   */
  private splitRow(rows: number): number {
    if (rows < 8) return rows;
    const split = Math.round(rows * this.updateSplit / 4) * 4;
    return Math.min(rows - 4, Math.max(4, split));
  }

  /** Whether layer `index` is a batch normalization. */
  private isBatchNorm(index: number): boolean {
    return this.layers[index].kind === "bn";
  }

  /** Takes every buffer from the arena and makes the layers on them, in order. */
  private build(take: (n: number) => Float32Array, withInputGrad: boolean): BuiltLayers {
    const input = take(this.maxBatch * this.layerSizes[0]);
    const inputGrad = withInputGrad ? take(this.maxBatch * this.layerSizes[0]) : undefined;
    const layers: Layer[] = [];
    const rowBuffers: Float32Array[] = [];
    let inputShape = this.inputShape;
    let previous = input;
    let previousGrad = inputGrad;
    for (let index = 0; index < this.layers.length; index++) {
      const layer = createLayer(this.layers[index], this.layerShapes[index], {
        kernels: this.kernels,
        take,
        rows: (n) => {
          const buffer = take(this.maxBatch * n);
          rowBuffers.push(buffer);
          return buffer;
        },
        // Batch norm's scale and shift take no weight decay.
        parameter: (role, shape) =>
          newParameter(take, index, role, shape, role === "weight" && !this.isBatchNorm(index)),
        state: (role, shape) => ({
          name: `layers.${index}.${role}`,
          shape,
          value: take(shape.reduce((a, b) => a * b, 1)),
        }),
        index,
        maxBatch: this.maxBatch,
        inputShape,
        input: previous,
        inputGrad: previousGrad,
        seed: () => this.seed,
        ...activationContext(this.layers, index),
      });
      layers.push(layer);
      inputShape = layer.outputShape;
      previous = layer.output;
      previousGrad = layer.outputGrad;
    }
    return {
      input,
      inputGrad,
      layers,
      rowBuffers,
      probabilities: take(this.maxBatch * this.classes),
    };
  }

  /** The input buffer [maxBatch x inputSize] (images row-major, 28 x 28 x 1) to fill first. */
  get input(): Float32Array {
    return this.inputBuffer;
  }

  /** dL/d(input) [maxBatch x inputSize] after `backward`, when built with `inputGradient`. */
  get inputGrad(): Float32Array | undefined {
    return this.inputGradBuffer;
  }

  /**
   * Each layer's output a_k from the last `forward`, as [batch x size] views into the arena
   * (inspection only: read, never write; the next forward overwrites them). The output layer's
   * is its logits, before softmax.
   */
  layerOutputs(): Float32Array[] {
    const batch = this.lastBatch;
    return this.runtime.map((layer, k) => layer.output.subarray(0, batch * this.layerSizes[k + 1]));
  }

  /** Number of weight and bias values. */
  get parameterCount(): number {
    return this.parameters.reduce((sum, p) => sum + p.value.length, 0);
  }

  /**
   * `{ layerSizes, activation }` when this is a dense network (built from one, or a layer list
   * of dense layers with one activation): what a version-1 model file can describe.
   */
  get denseArchitecture(): Architecture | undefined {
    const hidden = this.layers.slice(0, -1);
    const dense = hidden.every((l) => l.kind === "dense" && l.activation === this.activation);
    return dense ? { layerSizes: [...this.layerSizes], activation: this.activation } : undefined;
  }

  /** Each layer with its output shape and parameter count, input to output. */
  summary(): LayerSummary[] {
    return this.runtime.map((layer) => ({
      layer: layer.spec.kind === "dense" && layer.spec.activation === "softmax"
        ? `dense${layer.spec.units} softmax`
        : formatLayerSpec([layer.spec]) +
          ("foldedBn" in layer.spec && layer.spec.foldedBn ? " (bn folded in)" : ""),
      outputShape: [...layer.outputShape],
      parameters: layer.parameters.reduce((sum, p) => sum + p.value.length, 0),
    }));
  }

  /**
   * Fresh random weights, zero biases and zero optimizer state: He-normal (std sqrt(2/in)) for
   * ReLU layers, Glorot-uniform (limit sqrt(6/(in+out))) for sigmoid/tanh and the output layer.
   */
  initialize(seed: number): void {
    this.seed = seed;
    const rng = new Random(seed);
    for (const layer of this.runtime) layer.initialize(rng);
    this.resetOptimizer();
  }

  /** Zeroes the optimizer state and the step counter (used when starting a fresh run). */
  resetOptimizer(): void {
    for (const p of this.parameters) {
      p.moment1.fill(0);
      p.moment2.fill(0);
    }
    this.optimizerStep = 0;
  }

  /**
   * Forward pass over the first `batch` rows of `input`; returns the softmax probabilities
   * [batch x classes] (a view, overwritten by the next call). `training` turns dropout on.
   */
  forward(batch: number, training = false): Float32Array {
    if (!Number.isInteger(batch) || batch < 1 || batch > this.maxBatch) {
      throw new RangeError(`batch must be 1..${this.maxBatch}, got ${batch}`);
    }
    for (const layer of this.runtime) layer.forward(batch, training, this.optimizerStep, 0);
    softmaxRows(this.logits, this.probabilities, batch, this.classes);
    this.lastBatch = batch;
    return this.probabilities.subarray(0, batch * this.classes);
  }

  /**
   * Mean cross-entropy of the last forward pass against `labels` (one per row), and hits.
   * Uses the log-sum-exp of the logits, so a confident wrong answer costs a finite, exact loss.
   */
  evaluateLoss(labels: Uint8Array): BatchResult {
    const batch = this.lastBatch;
    if (batch === 0) throw new Error("evaluateLoss needs a forward pass first");
    const { lossSum, correct } = crossEntropy(
      this.logits,
      labels,
      batch,
      this.classes,
      this.negativeWeight,
    );
    return { loss: lossSum / batch, correct };
  }

  /**
   * Backward pass for the last forward pass: fills every parameter's `grad` with the gradient
   * of the mean cross-entropy over the batch.
   */
  backward(labels: Uint8Array): void {
    const batch = this.lastBatch;
    const classes = this.classes;
    const delta = this.runtime[this.runtime.length - 1].outputGrad;
    outputDelta(this.probabilities, labels, delta, batch, classes, 1 / batch, this.negativeWeight);
    // BP2-BP4, layer by layer from the output (layers.ts).
    for (let k = this.runtime.length - 1; k >= 0; k--) this.runtime[k].backward(batch);
  }

  /** Applies one optimizer update with the gradients from `backward`. */
  applyGradients(settings: OptimizerSettings, learningRate: number): void {
    this.optimizerStep++;
    const [correction1, correction2] = adamCorrections(settings, this.optimizerStep);
    for (const part of this.stepParts) {
      stepParameters(
        this.kernels,
        part,
        false,
        settings,
        learningRate,
        correction1,
        correction2,
        undefined,
      );
    }
  }

  /**
   * Forward (dropout on), loss, backward and one update on the first `batch` rows of `input`.
   * Built with `halves`, the batch is computed as two halves (`halves.trainBatch`, on two
   * threads when one is attached), with the same result either way; the second half's input
   * rows are then moved (refill `input` before the next batch).
   */
  trainBatch(
    labels: Uint8Array,
    batch: number,
    settings: OptimizerSettings,
    learningRate: number,
  ): BatchResult {
    if (this.halves) return this.halves.trainBatch(labels, batch, settings, learningRate);
    this.forward(batch, true);
    const result = this.evaluateLoss(labels);
    this.backward(labels);
    this.applyGradients(settings, learningRate);
    updateRunningStatistics(this.runtime, undefined, batch, 0);
    return result;
  }

  /**
   * Every parameter's `grad` for a batch as `trainBatch` computes it (in halves when built
   * with `halves`), without updating: for checking that threads agree.
   */
  computeGradients(labels: Uint8Array, batch: number): BatchResult {
    if (this.halves) return this.halves.trainBatch(labels, batch, undefined, 0);
    this.forward(batch, true);
    const result = this.evaluateLoss(labels);
    this.backward(labels);
    return result;
  }

  /** Threads that train this network: 2 with a second thread attached and in use, else 1. */
  get threads(): number {
    return this.halves?.threads ?? 1;
  }

  /** What another thread needs to build this network's twin on the same arena. */
  get twinOptions(): {
    inputShape: Shape;
    layers: LayerSpec[];
    maxBatch: number;
    inputGradient: boolean;
  } {
    return {
      inputShape: [...this.inputShape],
      layers: this.layers.map((layer) => ({ ...layer })),
      maxBatch: this.maxBatch,
      inputGradient: this.inputGradBuffer !== undefined,
    };
  }

  /** Probabilities for one image of 784 values in 0..1 (a fresh array). */
  predict(pixels: Float32Array): Float32Array {
    this.input.set(pixels.subarray(0, this.layerSizes[0]));
    const probabilities = this.forward(1).slice();
    const temperature = this.readout.temperature;
    if (temperature === 1) return probabilities;
    // softmax(z / T), from the logits of the pass just made.
    const scaled = this.logits.subarray(0, this.classes).map((z) => z / temperature);
    softmaxRows(scaled, probabilities, 1, this.classes);
    return probabilities;
  }

  /** Copies weights, biases, optimizer state, step, seed and readout from a network alike. */
  copyFrom(other: Network): void {
    const describe = (n: Network) => JSON.stringify([n.inputShape, n.layers]);
    if (describe(other) !== describe(this)) {
      throw new RangeError(
        `cannot copy [${other.layerSizes}] (${
          formatLayerSpec(other.layers)
        }) into [${this.layerSizes}] (${formatLayerSpec(this.layers)})`,
      );
    }
    for (let i = 0; i < this.parameters.length; i++) {
      const to = this.parameters[i];
      const from = other.parameters[i];
      to.value.set(from.value);
      to.moment1.set(from.moment1);
      to.moment2.set(from.moment2);
    }
    this.stateTensors.forEach((t, i) => t.value.set(other.stateTensors[i].value));
    this.optimizerStep = other.optimizerStep;
    this.seed = other.seed;
    this.readout = { ...other.readout };
  }
}
