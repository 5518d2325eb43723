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
 * ## Two halves, one or two threads (`halves`, half_batch.ts)
 *
 * Built with `halves`, `trainBatch` computes a batch of B samples as its first ceil(B/2) and
 * the rest: the second half's layers are views into the same batch buffers from row
 * ceil(maxBatch/2) on, sharing the parameter values, with gradients of their own. Then
 * dW = dW_first + dW_second element by element (Kernels.addInto) and the optimizer step, each
 * tensor cut in two parts. One thread does all of it in turn; with a second thread attached
 * (half_batch_thread.ts: a Worker with its own kernel instance on the same shared memory) each
 * does one half and one part. The same operations on the same numbers: the same bits.
 *
 * @module
 */

import type { Activation } from "./activations.ts";
import { createTsKernels, type Kernels } from "./kernels.ts";
import {
  appliedActivations,
  checkLayers,
  denseLayers,
  formatLayerSpec,
  type LayeredArchitecture,
  type LayerSpec,
  outputShape,
  type Shape,
} from "./layer_spec.ts";
import {
  BatchNormLayer,
  createLayer,
  type Layer,
  newParameter,
  type Parameter,
  type StateTensor,
} from "./layers.ts";
import type { OptimizerSettings } from "./optimizer.ts";
import { type HalfJob, JobKind, stepParameters, type StepPart } from "./half_batch.ts";
import { Random } from "./random.ts";

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
  /** Kernel implementation; default the TypeScript reference kernels. */
  kernels?: Kernels;
  /** Seed for the initial weights (and the dropout masks). Default 1. */
  seed?: number;
  /** Also compute dL/d(input) in `backward`, into `inputGrad` (gradient checks, saliency). */
  inputGradient?: boolean;
  /**
   * Train every batch as two halves whose gradients are added in a fixed order (first half +
   * second half), so that one thread and two (`HalfBatchThread`) compute the same bits. Costs
   * a second set of gradients and of the conv layers' working space. Default false: one pass.
   */
  halves?: boolean;
  /**
   * The arena is another thread's network's (`attachWasmKernels`): build the same views on it
   * and leave its weights as they are (no initialization). Needs `halves`.
   */
  attached?: boolean;
}

/**
 * The other thread that trains the second half of each batch: `start` hands it a job (it
 * returns at once), `waitHalf` returns when its half's gradients are ready (its loss sum and
 * hits), `waitDone` when its part of the update is done. Implemented in half_batch_thread.ts.
 */
export interface SecondThread {
  /** Hands the thread a job; returns at once. */
  start(job: HalfJob): void;
  /** Waits for the thread's half: its loss sum and hits. */
  waitHalf(): { lossSum: number; correct: number };
  /** Tells the thread the first half's gradients are ready too. */
  firstHalfDone(): void;
  /** Waits until the thread has done its part of the update. */
  waitDone(): void;
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
  /** The kernels that compute the products (WebAssembly SIMD or TypeScript). */
  readonly kernels: Kernels;
  /** Weights of each conv and dense layer, in order (dense [in x out], conv [out x k x k x in]). */
  readonly weights: Float32Array[] = [];
  /** Each layer's bias vector, input to output (views of `parameters`). */
  readonly biases: Float32Array[] = [];
  /** Every trainable tensor, weight then bias, layer by layer. */
  readonly parameters: Parameter[] = [];
  /** Tensors saved with the weights that no optimizer trains (batch norm's running stats). */
  readonly stateTensors: StateTensor[] = [];
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
  /** The second half's layers (views from row `secondStart` on), when built with `halves`. */
  private readonly secondHalf: Layer[] = [];
  /** Row of the batch buffers where the second half's layers start: ceil(maxBatch / 2). */
  private readonly secondStart: number;
  /** The second half's labels, in the arena so that another thread reads them. */
  private readonly secondLabels: Uint8Array;
  /** Each parameter cut in two (first half of its values, second half) for the update. */
  private readonly stepParts: [StepPart[], StepPart[]] = [[], []];
  /** softmax of the second half's logits (rows from `secondStart` of `probabilities`). */
  private readonly secondProbabilities: Float32Array;
  /** The input rows the second half's layers read (from row `secondStart` of `input`). */
  private readonly secondInput: Float32Array;
  private helper: SecondThread | undefined;
  /**
   * True: the second thread stays attached but idle, this one computes both halves (the same
   * bits), e.g. while the machine is too busy for two threads to pay.
   */
  secondThreadPaused = false;

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
    this.secondStart = Math.ceil(this.maxBatch / 2);
    const halves = options.halves ?? false;
    const withInputGrad = options.inputGradient ?? false;
    const aligned = (n: number) => Math.ceil(n / 4) * 4; // 16-byte alignment for SIMD loads
    let total = 0;
    const count = (n: number) => {
      total += aligned(n);
      return new Float32Array(0);
    };
    const counted = this.build(count, withInputGrad);
    if (halves) this.buildSecondHalf(count, counted);
    count(Math.ceil(this.maxBatch / 4)); // the second half's labels, as bytes
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
    if (halves) this.secondHalf = this.buildSecondHalf(take, built);
    this.secondProbabilities = this.probabilities.subarray(this.secondStart * this.classes);
    this.secondInput = this.inputBuffer.subarray(this.secondStart * this.layerSizes[0]);
    const labelFloats = take(Math.ceil(this.maxBatch / 4));
    this.secondLabels = new Uint8Array(labelFloats.buffer, labelFloats.byteOffset, this.maxBatch);
    for (const layer of this.runtime) {
      this.stateTensors.push(...layer.state);
      for (const p of layer.parameters) {
        this.parameters.push(p);
        (p.decays ? this.weights : this.biases).push(p.value);
      }
    }
    // The update is cut in two at a multiple of 4 floats of each tensor, one part per thread.
    const secondParams = this.secondHalf.flatMap((layer) => layer.parameters);
    this.parameters.forEach((p, i) => {
      const cut = Math.ceil(p.value.length / 8) * 4;
      for (const [part, from, to] of [[0, 0, cut], [1, cut, p.value.length]] as const) {
        this.stepParts[part].push({
          value: p.value.subarray(from, to),
          grad: p.grad.subarray(from, to),
          secondGrad: secondParams[i]?.grad.subarray(from, to),
          moment1: p.moment1.subarray(from, to),
          moment2: p.moment2.subarray(from, to),
          decays: p.decays,
        });
      }
    });
    if (options.attached) {
      if (!halves) throw new RangeError("an attached network must be built with halves");
    } else this.initialize(options.seed ?? 1);
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
        ...this.activationContext(index),
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

  /** Whether layer `index` is a batch normalization. */
  private isBatchNorm(index: number): boolean {
    return this.layers[index].kind === "bn";
  }

  /**
   * The activation layer `index` applies, and whether a ReLU moves to the pool after it while
   * training (relu(max(x)) = max(relu(x)): the same function on a quarter of the values).
   */
  private activationContext(
    index: number,
  ): { activation: Activation | undefined; reluAtPool: boolean } {
    const applied = appliedActivations(this.layers);
    const activation = applied[index];
    const beforePool = this.layers[index + 1]?.kind === "pool";
    const reluAtPool = this.layers[index].kind === "pool"
      ? applied[index - 1] === "relu"
      : activation === "relu" && beforePool;
    return { activation, reluAtPool };
  }

  /**
   * The layers of a batch's second half: views into the first half's batch buffers from row
   * `secondStart` on, sharing its parameter values; own gradients and working space.
   */
  private buildSecondHalf(take: (n: number) => Float32Array, first: BuiltLayers): Layer[] {
    const start = this.secondStart;
    const rows = this.maxBatch - start;
    const from = (buffer: Float32Array | undefined, width: number) =>
      buffer?.subarray(start * width, this.maxBatch * width);
    const layers: Layer[] = [];
    let rowBuffer = 0;
    let inputShape = this.inputShape;
    let previous = from(first.input, this.layerSizes[0])!;
    let previousGrad = from(first.inputGrad, this.layerSizes[0]);
    for (let index = 0; index < this.layers.length; index++) {
      const twin = first.layers[index];
      let parameter = 0;
      let state = 0;
      const layer = createLayer(this.layers[index], this.layerShapes[index], {
        kernels: this.kernels,
        take,
        rows: (n) => from(first.rowBuffers[rowBuffer++], n)!,
        parameter: (_role, shape) => ({
          ...twin.parameters[parameter++],
          grad: take(shape.reduce((a, b) => a * b, 1)),
        }),
        state: () => twin.state[state++],
        index,
        maxBatch: rows,
        inputShape,
        input: previous,
        inputGrad: previousGrad,
        seed: () => this.seed,
        ...this.activationContext(index),
      });
      layers.push(layer);
      inputShape = layer.outputShape;
      previous = layer.output;
      previousGrad = layer.outputGrad;
    }
    return layers;
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
    const { lossSum, correct } = lossOf(this.logits, labels, batch, this.classes);
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
    outputDelta(this.probabilities, labels, delta, batch, classes, 1 / batch);
    // BP2-BP4, layer by layer from the output (layers.ts).
    for (let k = this.runtime.length - 1; k >= 0; k--) this.runtime[k].backward(batch);
  }

  /** Applies one optimizer update with the gradients from `backward`. */
  applyGradients(settings: OptimizerSettings, learningRate: number): void {
    this.optimizerStep++;
    const [correction1, correction2] = this.corrections(settings);
    for (const part of this.stepParts) {
      stepParameters(this.kernels, part, false, settings, learningRate, correction1, correction2);
    }
  }

  /** Adam's bias corrections 1 - beta^t at the current step (unused by sgd and momentum). */
  private corrections(settings: OptimizerSettings): [number, number] {
    return [
      1 - Math.pow(settings.beta1, this.optimizerStep),
      1 - Math.pow(settings.beta2, this.optimizerStep),
    ];
  }

  /**
   * Forward (dropout on), loss, backward and one update on the first `batch` rows of `input`.
   * Built with `halves`, the batch is computed as two halves (on two threads when one is
   * attached: `useSecondThread`), with the same result either way; the second half's input
   * rows are moved (refill `input` before the next batch). With `fill`, the network asks for
   * the rows instead (`input` and `labels` are then not read), the second half's first.
   */
  trainBatch(
    labels: Uint8Array,
    batch: number,
    settings: OptimizerSettings,
    learningRate: number,
    fill?: RowFiller,
  ): BatchResult {
    if (this.secondHalf.length === 0) {
      fill?.(0, batch, this.inputBuffer, labels);
      this.forward(batch, true);
      const result = this.evaluateLoss(labels);
      this.backward(labels);
      this.applyGradients(settings, learningRate);
      this.updateRunningStatistics(batch, 0);
      return result;
    }
    return this.trainInHalves(labels, batch, settings, learningRate, fill);
  }

  /**
   * Every parameter's `grad` for a batch as `trainBatch` computes it (in halves when built
   * with `halves`), without updating: for checking that threads agree.
   */
  computeGradients(labels: Uint8Array, batch: number): BatchResult {
    if (this.secondHalf.length === 0) {
      this.forward(batch, true);
      const result = this.evaluateLoss(labels);
      this.backward(labels);
      return result;
    }
    return this.trainInHalves(labels, batch, undefined, 0);
  }

  /** Threads that train this network: 2 with a second thread attached, else 1. */
  get threads(): number {
    return this.helper && !this.secondThreadPaused ? 2 : 1;
  }

  /** Whether a second thread is attached (in use or paused). */
  get secondThreadAttached(): boolean {
    return this.helper !== undefined;
  }

  /** Whether batches are trained as two halves (built with `halves`). */
  get halves(): boolean {
    return this.secondHalf.length > 0;
  }

  /**
   * Hands the second half of every batch (and of large forward passes) to `thread`, or takes
   * it back (undefined). The network must be built with `halves`.
   */
  useSecondThread(thread: SecondThread | undefined): void {
    if (thread && !this.halves) throw new Error("a second thread needs a network with halves");
    this.helper = thread;
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

  /** The batch in two halves: first ceil(batch/2) samples here, the rest here or on the helper. */
  private trainInHalves(
    labels: Uint8Array,
    batch: number,
    settings: OptimizerSettings | undefined,
    learningRate: number,
    fill?: RowFiller,
  ): BatchResult {
    if (!Number.isInteger(batch) || batch < 1 || batch > this.maxBatch) {
      throw new RangeError(`batch must be 1..${this.maxBatch}, got ${batch}`);
    }
    const firstRows = Math.ceil(batch / 2);
    const secondRows = batch - firstRows;
    const dropoutStep = this.optimizerStep;
    if (settings) this.optimizerStep++;
    const [correction1, correction2] = settings ? this.corrections(settings) : [1, 1];
    // The second half's rows first, straight where its layers read them, so that the other
    // thread starts while this one fills its own rows.
    if (fill) fill(firstRows, secondRows, this.secondInput, this.secondLabels);
    else this.stageSecondHalf(batch, firstRows, labels);
    const helper = secondRows > 0 && !this.secondThreadPaused ? this.helper : undefined;
    helper?.start({
      kind: settings ? JobKind.train : JobKind.gradients,
      rows: secondRows,
      firstRow: firstRows,
      batch,
      dropoutStep,
      seed: this.seed,
      settings,
      learningRate,
      correction1,
      correction2,
    });
    fill?.(0, firstRows, this.inputBuffer, labels);
    const first = this.trainHalf(0, firstRows, 0, batch, labels, dropoutStep);
    let second = { lossSum: 0, correct: 0 };
    if (helper) {
      helper.firstHalfDone();
      second = helper.waitHalf();
    } else if (secondRows > 0) {
      second = this.trainHalf(1, secondRows, firstRows, batch, this.secondLabels, dropoutStep);
    }
    stepParameters(
      this.kernels,
      this.stepParts[0],
      secondRows > 0,
      settings,
      learningRate,
      correction1,
      correction2,
    );
    if (helper) helper.waitDone();
    else {
      stepParameters(
        this.kernels,
        this.stepParts[1],
        secondRows > 0,
        settings,
        learningRate,
        correction1,
        correction2,
      );
    }
    if (settings) this.updateRunningStatistics(firstRows, secondRows);
    this.lastBatch = 0; // the logits are not one batch's rows any more: no evaluateLoss
    return {
      loss: (first.lossSum + second.lossSum) / batch,
      correct: first.correct + second.correct,
    };
  }

  /**
   * After a training step, each batch norm's running statistics take in the step's: those of
   * both halves, weighted by their rows, on this thread (the same bits with one or two).
   */
  private updateRunningStatistics(firstRows: number, secondRows: number): void {
    this.runtime.forEach((layer, k) => {
      if (!(layer instanceof BatchNormLayer)) return;
      const second = this.secondHalf[k] as BatchNormLayer | undefined;
      layer.updateRunning(second, firstRows, secondRows);
    });
  }

  /** Moves input rows [firstRows, batch) to where the second half's layers read them. */
  private stageSecondHalf(batch: number, firstRows: number, labels?: Uint8Array): void {
    if (batch === firstRows) return;
    const inSize = this.layerSizes[0];
    this.inputBuffer.copyWithin(this.secondStart * inSize, firstRows * inSize, batch * inSize);
    if (labels) {
      for (let b = firstRows; b < batch; b++) this.secondLabels[b - firstRows] = labels[b];
    }
  }

  /**
   * Forward, loss and backward of one half (0: rows from 0, 1: the second half's layers) of a
   * batch of `batch` samples: its gradients are its samples' part of the batch mean's.
   * Returns the half's loss sum and hits. The second thread runs half 1 through this; half 1
   * reads the labels `trainBatch` staged (`labels` is then unused).
   */
  trainHalf(
    half: 0 | 1,
    rows: number,
    firstRow: number,
    batch: number,
    labels: Uint8Array | undefined,
    dropoutStep: number,
  ): { lossSum: number; correct: number } {
    const layers = half === 0 ? this.runtime : this.secondHalf;
    // The second half's labels are always in the arena (stageSecondHalf put them there).
    if (half === 1 || !labels) labels = this.secondLabels;
    for (const layer of layers) layer.forward(rows, true, dropoutStep, firstRow);
    const last = layers[layers.length - 1];
    const probabilities = half === 0 ? this.probabilities : this.secondProbabilities;
    softmaxRows(last.output, probabilities, rows, this.classes);
    const result = lossOf(last.output, labels, rows, this.classes);
    outputDelta(probabilities, labels, last.outputGrad, rows, this.classes, 1 / batch);
    for (let k = layers.length - 1; k >= 0; k--) layers[k].backward(rows);
    return result;
  }

  /** Forward pass of the second half's layers over `rows` samples (the helper's part). */
  forwardSecondHalf(rows: number): void {
    for (const layer of this.secondHalf) layer.forward(rows, false, this.optimizerStep, 0);
    const last = this.secondHalf[this.secondHalf.length - 1];
    softmaxRows(last.output, this.secondProbabilities, rows, this.classes);
  }

  /** The second half's update part, on the helper: add its gradients, then update when asked. */
  stepSecondPart(job: HalfJob): void {
    stepParameters(
      this.kernels,
      this.stepParts[1],
      true,
      job.kind === JobKind.train ? job.settings : undefined,
      job.learningRate ?? 0,
      job.correction1 ?? 1,
      job.correction2 ?? 1,
    );
  }

  /**
   * `forward(batch)` on every thread the network has: with a second thread and at least
   * `PARALLEL_FORWARD_ROWS` samples, each computes half of the rows (the same numbers: each
   * sample's output depends on that sample only). Returns the probabilities [batch x classes];
   * `evaluateLoss` works after it, `layerOutputs` does not (use `forward` to inspect).
   */
  forwardParallel(batch: number): Float32Array {
    if (!this.helper || this.secondThreadPaused || batch < PARALLEL_FORWARD_ROWS) {
      return this.forward(batch);
    }
    if (!Number.isInteger(batch) || batch > this.maxBatch) {
      throw new RangeError(`batch must be 1..${this.maxBatch}, got ${batch}`);
    }
    const firstRows = Math.ceil(batch / 2);
    const secondRows = batch - firstRows;
    this.stageSecondHalf(batch, firstRows);
    this.helper.start({
      kind: JobKind.forward,
      rows: secondRows,
      firstRow: firstRows,
      batch,
      dropoutStep: this.optimizerStep,
      seed: this.seed,
    });
    for (const layer of this.runtime) layer.forward(firstRows, false, this.optimizerStep, 0);
    softmaxRows(this.logits, this.probabilities, firstRows, this.classes);
    this.helper.waitHalf();
    // The second half's logits and probabilities back after the first half's.
    const c = this.classes;
    const from = this.secondStart * c;
    this.logits.copyWithin(firstRows * c, from, from + secondRows * c);
    this.probabilities.copyWithin(firstRows * c, from, from + secondRows * c);
    this.lastBatch = batch;
    return this.probabilities.subarray(0, batch * c);
  }

  /** Probabilities for one image of 784 values in 0..1 (a fresh array). */
  predict(pixels: Float32Array): Float32Array {
    this.input.set(pixels.subarray(0, this.layerSizes[0]));
    return this.forward(1).slice();
  }

  /** Copies weights, biases, optimizer state, step and seed from a network of the same shape. */
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
  }
}

/**
 * Fills `count` samples of a batch, from its sample `first` on, into `input` [count x inputSize]
 * and `labels` (row 0 of both is sample `first`): how `trainBatch` asks for a batch's rows
 * where each half of it is computed.
 */
export type RowFiller = (
  first: number,
  count: number,
  input: Float32Array,
  labels: Uint8Array,
) => void;

/** The buffers `build` made, for `buildSecondHalf` to view. */
interface BuiltLayers {
  input: Float32Array;
  inputGrad: Float32Array | undefined;
  layers: Layer[];
  /** Every batch buffer the layers took with `rows`, in order. */
  rowBuffers: Float32Array[];
  probabilities: Float32Array;
}

/** Samples from which `forwardParallel` splits a batch between two threads. */
export const PARALLEL_FORWARD_ROWS = 32;

/**
 * Cross-entropy summed over `rows` rows of logits z [rows x classes] against `labels`, from
 * the log-sum-exp (a confident wrong answer costs a finite, exact loss), and the hits.
 */
function lossOf(
  z: Float32Array,
  labels: Uint8Array,
  rows: number,
  classes: number,
): { lossSum: number; correct: number } {
  let loss = 0;
  let correct = 0;
  for (let b = 0; b < rows; b++) {
    const row = b * classes;
    let max = z[row];
    let argmax = 0;
    for (let c = 1; c < classes; c++) {
      if (z[row + c] > max) {
        max = z[row + c];
        argmax = c;
      }
    }
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(z[row + c] - max);
    loss += Math.log(sum) + max - z[row + labels[b]];
    if (argmax === labels[b]) correct++;
  }
  return { lossSum: loss, correct };
}

/** Softmax with cross-entropy (BP1): delta[B x classes] = (p - onehot(y)) * scale (1/batch). */
function outputDelta(
  probabilities: Float32Array,
  labels: Uint8Array,
  delta: Float32Array,
  rows: number,
  classes: number,
  scale: number,
): void {
  for (let b = 0; b < rows; b++) {
    const row = b * classes;
    for (let c = 0; c < classes; c++) delta[row + c] = probabilities[row + c] * scale;
    delta[row + labels[b]] -= scale;
  }
}

/** p[b, :] = softmax(z[b, :]) for each of `batch` rows, shifted by the row max for stability. */
function softmaxRows(z: Float32Array, p: Float32Array, batch: number, classes: number): void {
  for (let b = 0; b < batch; b++) {
    const row = b * classes;
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
  }
}
