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
 * Dense, pooling, flatten and dropout layers are here; convolution in conv_layer.ts, batch
 * norm and standardization in normalization_layers.ts, the contract they share in
 * layer_base.ts.
 *
 * @module
 */
import { activateInPlace, multiplyByDerivative } from "./activations.ts";
import type { DenseSpec, LayerSpec, Shape } from "./layer_spec.ts";
import { deriveSeed, type Random } from "./random.ts";
import type { AdamUpdate } from "./kernels.ts";
import {
  initializeWeights,
  type Layer,
  type LayerContext,
  type Parameter,
  sizeOf,
  type StateTensor,
} from "./layer_base.ts";
import { ConvLayer } from "./conv_layer.ts";
import { BatchNormLayer, StandardizeLayer } from "./normalization_layers.ts";

export * from "./layer_base.ts";
export {
  BATCH_NORM_EPSILON,
  BATCH_NORM_MOMENTUM,
  BatchNormLayer,
  updateRunningStatistics,
} from "./normalization_layers.ts";

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

  backward(batch: number, weights = true): void {
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
    if (weights) {
      kernels.gradDense(
        input,
        this.outputGrad,
        weight.grad,
        bias.grad,
        batch,
        this.inSize,
        this.outSize,
      );
    }
    // dA_prev[B x in] = delta[B x out] · W^T[out x in]
    if (inputGrad) {
      kernels.backDense(this.outputGrad, weight.value, inputGrad, batch, this.inSize, this.outSize);
    }
  }

  weightGradientRows(
    batch: number,
    second: Layer,
    secondBatch: number,
    dw: Float32Array,
    db: Float32Array | undefined,
    from: number,
    to: number,
    adam: AdamUpdate | undefined,
  ): void {
    // dW[from..to) = [a_prev; a_prev']^T[from..to) · [delta; delta'] over both halves' rows;
    // db = column sums of [delta; delta']
    const twin = second as DenseLayer;
    this.context.kernels.gradDenseHalves(
      this.context.input,
      this.outputGrad,
      batch,
      twin.context.input,
      twin.outputGrad,
      secondBatch,
      dw,
      db,
      this.inSize,
      this.outSize,
      from,
      to,
      adam,
    );
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
