/**
 * What every layer is (layers.ts): the `Layer` contract, its parameters and state tensors as
 * views into the arena, what a layer is built from (`LayerContext`), and the pieces the layer
 * kinds share (a parameter's buffers, weight initialization, the activation step).
 *
 * @module
 */
import type { Activation } from "./activations.ts";
import type { AdamUpdate, Kernels } from "./kernels.ts";
import { appliedActivations, type LayerSpec, type Shape } from "./layer_spec.ts";
import type { Random } from "./random.ts";

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
  /**
   * Backprop through the layer (after `forward` on the same batch). With `weights` false, a
   * layer that has `weightGradientRows` leaves its weight gradient to it and only passes the
   * gradient down; every other layer ignores the flag.
   */
  backward(batch: number, weights?: boolean): void;
  /**
   * Dense layers: rows [from, to) of the weight gradient over this layer's last `batch`
   * samples and then `second`'s last `secondBatch` (the same layer's second half), into `dw`,
   * and the bias gradient into `db` when given; with `adam`, then those rows' AdamW step. The
   * two-halves engine calls it after both backward passes, so that each thread sums the whole
   * batch for the rows it updates (half_batch_engine.ts).
   */
  weightGradientRows?(
    batch: number,
    second: Layer,
    secondBatch: number,
    dw: Float32Array,
    db: Float32Array | undefined,
    from: number,
    to: number,
    adam: AdamUpdate | undefined,
  ): void;
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

export const sizeOf = (shape: Shape) => shape.reduce((a, b) => a * b, 1);

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
export function initializeWeights(
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
