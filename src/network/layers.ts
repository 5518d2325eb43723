/**
 * The layers a network is a list of, each with its forward and backward pass side by side.
 *
 * Every layer reads the previous layer's `output` (or the network input) and writes its own
 * `output` [maxBatch x outSize]. Backward, it receives dL/d(output) in `outputGrad`, turns it
 * into dL/dz in place where it has an activation, fills its parameters' gradients and writes
 * dL/d(input) into the previous layer's `outputGrad` (the first layer skips that). Buffers are
 * taken once, at construction, from the network's arena; nothing is allocated per batch.
 *
 * Images are channels-last: a batch of [H x W x C] images is [B x H x W x C] row-major.
 *
 * @module
 */
import { activateInPlace, type Activation, multiplyByDerivative } from "./activations.ts";
import { type ConvGeometry, convScratchSize, type Kernels } from "./kernels.ts";
import { BatchNormLayer } from "./batch_norm.ts";
import {
  appliedActivations,
  type ConvSpec,
  type DenseSpec,
  type LayerSpec,
  type Shape,
  type StandardizeSpec,
} from "./layer_spec.ts";
import { deriveSeed, type Random } from "./random.ts";

/** One trainable tensor with its gradient and optimizer state, all views into the arena. */
export interface Parameter {
  /** `layers.<k>.weight` or `layers.<k>.bias`, k the layer's index in the list. */
  name: string;
  /** Dense weights [in x out]; conv weights [out channels, k, k, in channels]; biases [out]. */
  shape: number[];
  /** The values, a view into the network's arena (row-major in `shape`). */
  value: Float32Array;
  /** dC/d(value) of the last backward pass, same layout. */
  grad: Float32Array;
  /** Adam's first moment, or the momentum velocity. */
  moment1: Float32Array;
  /** Adam's second moment (unused by sgd/momentum). */
  moment2: Float32Array;
  /** Whether weight decay applies (weights yes, biases no). */
  decays: boolean;
}

/** A tensor a layer keeps that is not trained by gradients (batch norm's running statistics). */
export interface StateTensor {
  /** `layers.<k>.running_mean` or `layers.<k>.running_var`. */
  name: string;
  /** [channels]. */
  shape: number[];
  /** The values, a view into the arena shared by both halves of a batch. */
  value: Float32Array;
}

/** A layer at run time. */
export interface Layer {
  readonly spec: LayerSpec;
  readonly outputShape: Shape;
  /** Weight then bias, for the layers that have them. */
  readonly parameters: Parameter[];
  /** Tensors saved with the weights that no optimizer updates (batch norm's running stats). */
  readonly state: StateTensor[];
  /** The layer's activations [maxBatch x outSize]. */
  readonly output: Float32Array;
  /** dL/d(output) [maxBatch x outSize], made dL/dz in place by `backward`. */
  readonly outputGrad: Float32Array;
  /**
   * Computes `output` for the first `batch` samples of its views; `step` seeds dropout while
   * training, and `firstRow` says which sample of the whole batch the first one is (a half
   * batch's dropout masks are those of its rows).
   */
  forward(batch: number, training: boolean, step: number, firstRow: number): void;
  /** Backprop through the layer (after `forward` on the same batch). */
  backward(batch: number): void;
  /** Fresh weights from `rng` (He-normal for ReLU, Glorot-uniform otherwise), zero biases. */
  initialize(rng: Random): void;
}

/** What a layer is built from. */
export interface LayerContext {
  kernels: Kernels;
  /** Takes `n` floats of the arena (16-byte aligned): the layer's own working space. */
  take: (n: number) => Float32Array;
  /**
   * A batch buffer [maxBatch x n] (outputs, their gradients, masks). The second half of a
   * batch gets a view into the first half's buffer, from its first row on.
   */
  rows: (n: number) => Float32Array;
  /**
   * A trainable tensor. The second half of a batch shares the first's values and optimizer
   * state and has a gradient of its own.
   */
  parameter: (role: "weight" | "bias", shape: number[]) => Parameter;
  index: number;
  maxBatch: number;
  inputShape: Shape;
  /** The previous layer's output, or the network input. */
  input: Float32Array;
  /** The previous layer's outputGrad; undefined for the first layer. */
  inputGrad: Float32Array | undefined;
  /** Seed of the dropout masks. */
  seed: () => number;
  /**
   * The activation this layer applies (appliedActivations): none for a conv or dense layer
   * followed by bn, whose batch normalization applies it.
   */
  activation: Activation | undefined;
  /**
   * ReLU and max pooling commute (relu(max(x)) = max(relu(x))), so while training a layer whose
   * ReLU a pool follows leaves it to the pool, on a quarter of the values: true for that layer
   * (it skips its ReLU and ReLU') and for the pool (it applies them). Inference is unchanged.
   */
  reluAtPool: boolean;
  /** A tensor both halves of a batch share that is no parameter (running statistics). */
  state: (role: "running_mean" | "running_var", shape: number[]) => StateTensor;
}

/** Builds the run-time layer for `spec`. */
export function createLayer(spec: LayerSpec, outputShape: Shape, context: LayerContext): Layer {
  switch (spec.kind) {
    case "dense":
      return new DenseLayer(spec, outputShape, context);
    case "conv":
      return new ConvLayer(spec, outputShape, context);
    case "pool":
      return new MaxPoolLayer(spec, outputShape, context);
    case "flatten":
      return new FlattenLayer(spec, outputShape, context);
    case "dropout":
      return new DropoutLayer(spec, outputShape, context);
    case "bn":
      return new BatchNormLayer(spec, outputShape, context);
    case "standardize":
      return new StandardizeLayer(spec, outputShape, context);
  }
}

const sizeOf = (shape: Shape) => shape.reduce((a, b) => a * b, 1);

/**
 * The activation layer `index` of `layers` applies (appliedActivations), and whether a ReLU moves
 * to the pool after it while training (relu(max(x)) = max(relu(x)): the same function on a
 * quarter of the values): what a LayerContext says about activations.
 */
export function activationContext(
  layers: readonly LayerSpec[],
  index: number,
): { activation: Activation | undefined; reluAtPool: boolean } {
  const applied = appliedActivations(layers);
  const activation = applied[index];
  const reluAtPool = layers[index].kind === "pool"
    ? applied[index - 1] === "relu"
    : activation === "relu" && layers[index + 1]?.kind === "pool";
  return { activation, reluAtPool };
}

/** A new tensor with its gradient and optimizer state, taken from the arena. */
export function newParameter(
  take: (n: number) => Float32Array,
  index: number,
  role: "weight" | "bias",
  shape: number[],
  decays = role === "weight",
): Parameter {
  const n = sizeOf(shape);
  return {
    name: `layers.${index}.${role}`,
    shape,
    value: take(n),
    grad: take(n),
    moment1: take(n),
    moment2: take(n),
    decays,
  };
}

/** He-normal (std sqrt(2/fanIn)) for ReLU, Glorot-uniform (limit sqrt(6/(in+out))) otherwise. */
function initializeWeights(
  w: Float32Array,
  rng: Random,
  activation: Activation | "softmax",
  fanIn: number,
  fanOut: number,
): void {
  if (activation === "relu") {
    const std = Math.sqrt(2 / fanIn);
    for (let i = 0; i < w.length; i++) w[i] = rng.gaussian() * std;
  } else {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    for (let i = 0; i < w.length; i++) w[i] = rng.uniform(-limit, limit);
  }
}

/**
 * Fully connected: z[B x out] = a_prev[B x in] · W[in x out] + b, then a = f(z) (the output
 * layer keeps z: the network applies softmax). An image input is read flat, in (y, x, c) order.
 */
class DenseLayer implements Layer {
  readonly parameters: Parameter[];
  readonly state: StateTensor[] = [];
  readonly output: Float32Array;
  readonly outputGrad: Float32Array;
  private readonly inSize: number;
  private readonly outSize: number;

  constructor(
    readonly spec: DenseSpec,
    readonly outputShape: Shape,
    private readonly context: LayerContext,
  ) {
    this.inSize = sizeOf(context.inputShape);
    this.outSize = spec.units;
    this.parameters = [
      context.parameter("weight", [this.inSize, this.outSize]),
      context.parameter("bias", [this.outSize]),
    ];
    this.output = context.rows(this.outSize);
    this.outputGrad = context.rows(this.outSize);
  }

  initialize(rng: Random): void {
    initializeWeights(
      this.parameters[0].value,
      rng,
      this.spec.activation,
      this.inSize,
      this.outSize,
    );
    this.parameters[1].value.fill(0);
  }

  forward(batch: number): void {
    const [weight, bias] = this.parameters;
    const { kernels, input } = this.context;
    // z[B x out] = a_prev[B x in] · W[in x out] + b
    kernels.forwardDense(
      input,
      weight.value,
      bias.value,
      this.output,
      batch,
      this.inSize,
      this.outSize,
    );
    // ReLU in the kernels (branch-free SIMD: half the values are negative, unpredictably).
    const n = batch * this.outSize;
    const activation = this.context.activation;
    if (activation === "relu") kernels.relu(this.output, n);
    else if (activation) activateInPlace(activation, this.output, n);
  }

  backward(batch: number): void {
    const [weight, bias] = this.parameters;
    const { kernels, input, inputGrad } = this.context;
    // delta = dL/da ⊙ f'(z)  [B x out]
    const n = batch * this.outSize;
    const activation = this.context.activation;
    if (activation === "relu") kernels.reluGrad(this.outputGrad, this.output, n);
    else if (activation) {
      multiplyByDerivative(activation, this.outputGrad, this.output, n);
    }
    // dW[in x out] = a_prev^T[in x B] · delta[B x out];  db = column sums of delta
    kernels.gradDense(
      input,
      this.outputGrad,
      weight.grad,
      bias.grad,
      batch,
      this.inSize,
      this.outSize,
    );
    // dA_prev[B x in] = delta[B x out] · W^T[out x in]
    if (inputGrad) {
      kernels.backDense(this.outputGrad, weight.value, inputGrad, batch, this.inSize, this.outSize);
    }
  }
}

/** Input channels from which conv layers use the kernels that write no patch rows. */
const FUSED_MIN_CHANNELS = 8;

/** Floats of patch rows one im2col chunk may hold: about 1 MB, to stay in a core's L2. */
const COLUMN_CHUNK_FLOATS = 1 << 18;

/**
 * Convolution, stride 1, as a matrix product over patch rows: for each output pixel p of each
 * sample, z[p, o] = b[o] + sum over the k x k x C_in patch under p of patch · W[o], i.e.
 * z[P x out] = col[P x kkC] · W^T[kkC x out] with W [out x kkC] (stored [out, k, k, in]).
 * From 8 input channels on, the kernels (convForward, convGradWeights, convBackInput) never
 * write col; below that, col is written (im2col) for a cache-sized chunk of samples at a time
 * and the dense products do the rest.
 */
class ConvLayer implements Layer {
  readonly parameters: Parameter[];
  readonly state: StateTensor[] = [];
  readonly output: Float32Array;
  readonly outputGrad: Float32Array;
  private readonly geometry: ConvGeometry;
  /** Output pixels per sample, floats per patch, output channels. */
  private readonly pixels: number;
  private readonly patch: number;
  private readonly filters: number;
  private readonly chunkSamples: number;
  /** Whether the kernels work without patch rows (8 or more input channels). */
  private readonly fused: boolean;
  /** Whether the last forward pass left this layer's ReLU to the pool after it. */
  private reluAtPool = false;
  /** W^T [kkC x out], refreshed from the weights by each forward pass. */
  private readonly weightT: Float32Array;
  /** Zeros [kkC]: the "bias" of the input-gradient product. */
  private readonly zeros: Float32Array;
  /** Patch rows of one chunk [chunkSamples * pixels x kkC] (empty when fused). */
  private readonly col: Float32Array;
  /** The fused kernels' working space (convScratchSize). */
  private readonly scratch: Float32Array;
  /** Views of one chunk of samples each, made once so that no batch allocates. */
  private readonly inputChunks: Float32Array[] = [];
  private readonly inputGradChunks: Float32Array[] = [];
  private readonly outputChunks: Float32Array[] = [];
  private readonly outputGradChunks: Float32Array[] = [];

  constructor(
    readonly spec: ConvSpec,
    readonly outputShape: Shape,
    private readonly context: LayerContext,
  ) {
    const [height, width, channels] = context.inputShape;
    const [outHeight, outWidth] = outputShape;
    this.geometry = {
      height,
      width,
      channels,
      kernel: spec.kernel,
      pad: spec.padding === "same" ? (spec.kernel - 1) / 2 : 0,
      outHeight,
      outWidth,
    };
    this.pixels = outHeight * outWidth;
    this.patch = spec.kernel * spec.kernel * channels;
    this.filters = spec.channels;
    this.parameters = [
      context.parameter("weight", [spec.channels, spec.kernel, spec.kernel, channels]),
      context.parameter("bias", [spec.channels]),
    ];
    const outSize = this.pixels * this.filters;
    this.output = context.rows(outSize);
    this.outputGrad = context.rows(outSize);
    this.weightT = context.take(this.patch * this.filters);
    this.zeros = context.take(this.patch);
    // From enough input channels the kernels work on whole images (no patch rows, one call
    // per batch); otherwise patch rows go through a cache-sized chunk of samples at a time.
    const fused = this.fused = channels >= FUSED_MIN_CHANNELS;
    this.chunkSamples = fused ? context.maxBatch : Math.max(
      1,
      Math.min(context.maxBatch, Math.floor(COLUMN_CHUNK_FLOATS / (this.pixels * this.patch))),
    );
    this.col = context.take(fused ? 0 : this.chunkSamples * this.pixels * this.patch);
    this.scratch = context.take(convScratchSize(this.geometry, this.filters));
    const inSize = height * width * channels;
    for (let s = 0; s < context.maxBatch; s += this.chunkSamples) {
      const n = Math.min(this.chunkSamples, context.maxBatch - s);
      this.inputChunks.push(context.input.subarray(s * inSize, (s + n) * inSize));
      if (context.inputGrad) {
        this.inputGradChunks.push(context.inputGrad.subarray(s * inSize, (s + n) * inSize));
      }
      this.outputChunks.push(this.output.subarray(s * outSize, (s + n) * outSize));
      this.outputGradChunks.push(this.outputGrad.subarray(s * outSize, (s + n) * outSize));
    }
  }

  initialize(rng: Random): void {
    const area = this.spec.kernel * this.spec.kernel;
    initializeWeights(
      this.parameters[0].value,
      rng,
      this.spec.activation,
      this.patch,
      area * this.filters,
    );
    this.parameters[1].value.fill(0);
  }

  forward(batch: number, training: boolean): void {
    const [weight, bias] = this.parameters;
    const { kernels } = this.context;
    transpose(weight.value, this.weightT, this.filters, this.patch);
    for (let c = 0, s = 0; s < batch; c++, s += this.chunkSamples) {
      const samples = Math.min(this.chunkSamples, batch - s);
      // z[P x out] = col[P x kkC] · W^T[kkC x out] + b. From few input channels, writing
      // col is cheaper than convForward's per-tap bookkeeping (measured on the cnn preset).
      if (!this.fused) {
        kernels.im2col(this.inputChunks[c], this.col, samples, this.geometry);
        kernels.forwardDense(
          this.col,
          this.weightT,
          bias.value,
          this.outputChunks[c],
          samples * this.pixels,
          this.patch,
          this.filters,
        );
        continue;
      }
      kernels.convForward(
        this.inputChunks[c],
        this.weightT,
        bias.value,
        this.outputChunks[c],
        samples,
        this.geometry,
        this.filters,
        this.scratch,
      );
    }
    const n = batch * this.pixels * this.filters;
    const activation = this.context.activation;
    this.reluAtPool = training && this.context.reluAtPool;
    if (!activation || this.reluAtPool) return;
    if (activation === "relu") kernels.relu(this.output, n);
    else activateInPlace(activation, this.output, n);
  }

  backward(batch: number): void {
    const [weight, bias] = this.parameters;
    const { kernels } = this.context;
    const rows = batch * this.pixels;
    // delta = dL/da ⊙ f'(z)  [P x out]; db[out] = column sums of delta
    const n = rows * this.filters;
    const activation = this.context.activation;
    // (When the last forward pass left the ReLU to the pool, the pool applied ReLU' already.)
    if (activation === "relu" && !this.reluAtPool) {
      kernels.reluGrad(this.outputGrad, this.output, n);
    } else if (activation && activation !== "relu") {
      multiplyByDerivative(activation, this.outputGrad, this.output, n);
    }
    kernels.sumRows(this.outputGrad, bias.grad, rows, this.filters);
    weight.grad.fill(0);
    for (let c = 0, s = 0; s < batch; c++, s += this.chunkSamples) {
      const samples = Math.min(this.chunkSamples, batch - s);
      const chunkRows = samples * this.pixels;
      // dW[out x kkC] += delta^T[out x P] · col[P x kkC]: delta is mostly zeros after max
      // pooling and ReLU, and the kernels skip them.
      if (this.fused) {
        kernels.convGradWeights(
          this.inputChunks[c],
          this.outputGradChunks[c],
          weight.grad,
          samples,
          this.geometry,
          this.filters,
          this.scratch,
        );
      } else {
        kernels.im2col(this.inputChunks[c], this.col, samples, this.geometry);
        kernels.addGradWeights(
          this.outputGradChunks[c],
          this.col,
          weight.grad,
          chunkRows,
          this.filters,
          this.patch,
        );
      }
      if (this.inputGradChunks.length === 0) continue;
      // dA_prev = col2im(delta[P x out] · W[out x kkC])
      if (this.fused) {
        kernels.convBackInput(
          this.outputGradChunks[c],
          weight.value,
          this.inputGradChunks[c],
          samples,
          this.geometry,
          this.filters,
          this.scratch,
        );
        continue;
      }
      kernels.forwardDense(
        this.outputGradChunks[c],
        weight.value,
        this.zeros,
        this.col,
        chunkRows,
        this.filters,
        this.patch,
      );
      kernels.col2im(this.col, this.inputGradChunks[c], samples, this.geometry);
    }
  }
}

/** to[cols x rows] = from[rows x cols]^T. */
function transpose(from: Float32Array, to: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const row = r * cols;
    for (let c = 0; c < cols; c++) to[c * rows + r] = from[row + c];
  }
}

/**
 * 2x2 max pooling, stride 2: each output is the largest of its four inputs (an odd last row
 * or column is dropped). Backward, each output's gradient goes to the input that won (the
 * first of equals, like PyTorch); the other three get zero.
 */
class MaxPoolLayer implements Layer {
  readonly parameters: Parameter[] = [];
  readonly state: StateTensor[] = [];
  readonly output: Float32Array;
  readonly outputGrad: Float32Array;
  /** Whether the last forward pass applied the ReLU of the layer before (reluAtPool). */
  private applied = false;

  constructor(
    readonly spec: LayerSpec,
    readonly outputShape: Shape,
    private readonly context: LayerContext,
  ) {
    this.output = context.rows(sizeOf(outputShape));
    this.outputGrad = context.rows(sizeOf(outputShape));
  }

  initialize(): void {}

  forward(batch: number, training: boolean): void {
    const [height, width, channels] = this.context.inputShape;
    this.context.kernels.maxPool(this.context.input, this.output, batch, height, width, channels);
    // relu(max(x)) = max(relu(x)): the ReLU of the layer before, on a quarter of the values.
    this.applied = training && this.context.reluAtPool;
    if (this.applied) this.context.kernels.relu(this.output, batch * sizeOf(this.outputShape));
  }

  backward(batch: number): void {
    const { kernels, input, inputGrad } = this.context;
    if (!inputGrad) return;
    const [height, width, channels] = this.context.inputShape;
    // ReLU' before routing each gradient to its window's max (where a max <= 0 was made 0, no
    // input equals it and the gradient, now 0, goes to the last of the four: still 0).
    if (this.applied) {
      kernels.reluGrad(this.outputGrad, this.output, batch * sizeOf(this.outputShape));
    }
    kernels.maxPoolGrad(
      input,
      this.output,
      this.outputGrad,
      inputGrad,
      batch,
      height,
      width,
      channels,
    );
  }
}

/** Reads an image as a flat vector: the memory is already (y, x, c) row-major, so a no-op. */
class FlattenLayer implements Layer {
  readonly parameters: Parameter[] = [];
  readonly state: StateTensor[] = [];
  readonly output: Float32Array;
  readonly outputGrad: Float32Array;

  constructor(readonly spec: LayerSpec, readonly outputShape: Shape, context: LayerContext) {
    this.output = context.input;
    this.outputGrad = context.inputGrad ?? context.rows(sizeOf(outputShape));
  }

  initialize(): void {}
  forward(): void {}
  backward(): void {}
}

/**
 * Inverted dropout: while training, each value is kept with probability 1 - rate and scaled
 * by 1 / (1 - rate), so that inference (which passes values through) sees the same mean. The
 * mask depends only on the seed, the layer and the optimizer step: a resumed run draws the
 * masks an uninterrupted one would.
 */
class DropoutLayer implements Layer {
  readonly parameters: Parameter[] = [];
  readonly state: StateTensor[] = [];
  readonly output: Float32Array;
  readonly outputGrad: Float32Array;
  /** 0 or 1/(1 - rate) per value of the last training batch. */
  private readonly mask: Float32Array;
  private masked = false;
  private readonly size: number;

  constructor(
    readonly spec: { kind: "dropout"; rate: number },
    readonly outputShape: Shape,
    private readonly context: LayerContext,
  ) {
    this.size = sizeOf(outputShape);
    this.output = context.rows(this.size);
    this.outputGrad = context.rows(this.size);
    this.mask = context.rows(this.size);
  }

  initialize(): void {}

  forward(batch: number, training: boolean, step: number, firstRow: number): void {
    const n = batch * this.size;
    const x = this.context.input;
    const y = this.output;
    this.masked = training && this.spec.rate > 0;
    if (!this.masked) {
      for (let i = 0; i < n; i++) y[i] = x[i];
      return;
    }
    const mask = this.mask;
    const scale = 1 / (1 - this.spec.rate);
    // Keep when a uniform 32-bit draw is at or above rate * 2^32.
    const threshold = this.spec.rate * 4294967296;
    const base = deriveSeed(this.context.seed(), this.context.index, step);
    const first = firstRow * this.size; // the value's index in the whole batch
    for (let i = 0; i < n; i++) {
      const m = hash32(base, first + i) >= threshold ? scale : 0;
      mask[i] = m;
      y[i] = x[i] * m;
    }
  }

  backward(batch: number): void {
    const dx = this.context.inputGrad;
    if (!dx) return;
    const n = batch * this.size;
    const dy = this.outputGrad;
    if (!this.masked) {
      for (let i = 0; i < n; i++) dx[i] = dy[i];
      return;
    }
    const mask = this.mask;
    for (let i = 0; i < n; i++) dx[i] = dy[i] * mask[i];
  }
}

/** A well-mixed 32-bit value for (base, i): murmur3's finalizer over a Weyl sequence. */
function hash32(base: number, i: number): number {
  let h = (base + Math.imul(i, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** (x - mean) / std on the input: dL/dx = dL/dy / std. */
class StandardizeLayer implements Layer {
  readonly parameters: Parameter[] = [];
  readonly state: StateTensor[] = [];
  readonly output: Float32Array;
  readonly outputGrad: Float32Array;
  private readonly size: number;

  constructor(
    readonly spec: StandardizeSpec,
    readonly outputShape: Shape,
    private readonly context: LayerContext,
  ) {
    this.size = sizeOf(outputShape);
    this.output = context.rows(this.size);
    this.outputGrad = context.rows(this.size);
  }

  initialize(): void {}

  forward(batch: number): void {
    const x = this.context.input;
    const y = this.output;
    const mean = this.spec.mean;
    const inverse = 1 / this.spec.std;
    for (let i = 0, n = batch * this.size; i < n; i++) y[i] = (x[i] - mean) * inverse;
  }

  backward(batch: number): void {
    const dx = this.context.inputGrad;
    if (!dx) return;
    const dy = this.outputGrad;
    const inverse = 1 / this.spec.std;
    for (let i = 0, n = batch * this.size; i < n; i++) dx[i] = dy[i] * inverse;
  }
}
