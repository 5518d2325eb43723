/**
 * A trained network as an ONNX model, the exchange format every runtime reads (ONNX Runtime
 * from Python, C#, Java, JavaScript, mobile). The graph computes what `readUserDigit`
 * (src/train/views.ts) does, the way `classify`, `serve`, Draw and the library read a
 * normalized digit, with the network's readout (temperature, refusal, as-is weight):
 *
 *     image [N x 1 x 28 x 28] float32, 0..1, ink bright (MNIST / 255, what normalizeDigit gives)
 *       -> for a network with convolutions, the image and its views stacked on the batch axis
 *          (onnx_views.ts); a dense network reads the image alone
 *       -> each layer as ONNX nodes (LAYER_NODES: one entry per layer kind; batch norm is
 *          folded into the conv or dense layer before it first)
 *       -> softmax(logits / T), T the file's calibration (else 1)
 *       -> probabilities [N x 10]: for a CNN the views' weighted average (onnx_views.ts)
 *       -> not_a_digit [N] = max(probabilities) < refuseBelow, for a model that refuses
 *          (`refusalThreshold`: the threshold it learned, chosen on that very average, or a CNN
 *          file's older fixed 0.45), so this is the app's answer
 *     A model with the "not a digit" output read in two parts (`readsDigitShare`) averages all
 *     eleven outputs over the views for not_a_digit = 1 - p(not a digit) < refuseBelow, and
 *     gives probabilities = the ten digits' of the image as it is, renormalized over the ten.
 *
 * Our images are channels-last ([H, W, C]); ONNX's Conv and MaxPool are channels-first
 * ([N, C, H, W]). The graph stays channels-first and the conversion happens on the weights at
 * export (conv [out, k, k, in] becomes [out, in, k, k]); where an image becomes a vector, a
 * Transpose back to (y, x, c) order makes the dense weights apply as they are. With one
 * channel the two orders are the same memory, so the input needs no conversion.
 *
 * @module
 */
import type { Activation } from "../network/activations.ts";
import type { LayerSpec, Shape } from "../network/layer_spec.ts";
import { DIGIT_CLASSES, type Network } from "../network/network.ts";
import { foldBatchNorm } from "../network/fold_batch_norm.ts";
import { readsDigitShare, refusalThreshold } from "../train/refusal_rule.ts";
import { type ViewAverage, viewAverage } from "../train/views.ts";
import { GraphBuilder } from "./onnx_graph.ts";
import { encodeModel, type OnnxValue } from "./onnx_proto.ts";
import { averageOverViews, withViews } from "./onnx_views.ts";

/** The opset written: 13 has Softmax over one axis (as we compute it) and is widely read. */
export const ONNX_OPSET = 13;

/** Names of the graph's input and outputs. */
export const ONNX_INPUT = "image";
export const ONNX_PROBABILITIES = "probabilities";
export const ONNX_NOT_A_DIGIT = "not_a_digit";

/**
 * What goes into the file besides the network. How the network reads a digit comes from the
 * network itself, `network.readout`, as for `readUserDigit`: the probabilities are
 * softmax(logits / temperature); a CNN averages its views with the digit as it is counted
 * `asIsWeight` times; a model the app refuses with (`refusalThreshold`: a learned threshold, or
 * any CNN) gets a second output `not_a_digit` (bool [N]), true under that top probability.
 */
export interface OnnxExportOptions {
  /** The producer's version (the project's, from deno.json). */
  version: string;
  /** Key-value strings stored in the file (architecture, accuracy, ...), shown by runtimes. */
  metadata?: Record<string, string>;
}

/**
 * The ONNX file (bytes) of `network`, a network over 28x28 images (a layer list over
 * [28, 28, 1] or a dense network over 784 inputs), read as `readUserDigit` reads a digit.
 * Throws a RangeError for any other input.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network, parseLayerSpec } from "../network/mod.ts";
 * import { exportOnnx } from "./onnx.ts";
 *
 * const network = new Network(parseLayerSpec("conv3x4,pool,dense8"), { seed: 1, maxBatch: 1 });
 * const bytes = exportOnnx(network, { version: "0.0.0" });
 * assert.ok(bytes.length > 4 * network.parameterCount); // every weight, as float32
 * assert.throws(
 *   () => exportOnnx(new Network({ layerSizes: [10, 2], activation: "relu" }), { version: "0" }),
 *   /28x28/,
 * );
 * ```
 */
export function exportOnnx(trained: Network, options: OnnxExportOptions): Uint8Array {
  // Batch norm at inference is an affine map: folded into the conv or dense layer before it.
  const network = foldBatchNorm(trained);
  const inputSize = network.inputShape.reduce((a, b) => a * b, 1);
  const image = network.inputShape.length === 3
    ? network.inputShape[0] === 28 && network.inputShape[1] === 28 && network.inputShape[2] === 1
    : inputSize === 784;
  if (!image) {
    throw new RangeError(
      `ONNX export needs a network over 28x28 images, got input shape [${network.inputShape}]`,
    );
  }
  const graph = new GraphBuilder(network);
  // A CNN reads the image and its views in one batch, as readUserDigit does; a dense network
  // the image alone.
  const average = viewAverage(trained);
  const batch = average === null ? ONNX_INPUT : withViews(graph, ONNX_INPUT, average.views);
  // A dense network's input [784] is the same memory as the image [28 x 28 x 1].
  let value: GraphValue = { name: batch, shape: [28, 28, 1] };
  network.layers.forEach((layer, index) => {
    value = (LAYER_NODES[layer.kind] as LayerNodes<LayerSpec>)(graph, layer, value, index);
  });
  const classes = network.layerSizes[network.layerSizes.length - 1];
  // softmax(logits / T), T fitted on held-out digits (temperature scaling).
  const { temperature } = trained.readout;
  // The app's refusal: the learned threshold, or an older CNN file's fixed one.
  const refuseBelow = refusalThreshold(trained);
  if (!(temperature > 0)) throw new RangeError(`temperature must be > 0, got ${temperature}`);
  const logits = temperature === 1 ? value.name : graph.node("Div", [
    value.name,
    graph.constant("temperature", [], [temperature]),
  ]);
  // A model with the "not a digit" output read in two parts (refusal_rule.ts): the digits'
  // probabilities renormalized over the ten, and the refusal on 1 - p(not a digit).
  const twoParts = readsDigitShare(trained);
  // The probabilities of each row the network read: the output itself for a dense network,
  // for a CNN the rows of the image and its views, averaged below.
  const rowsOutput = average === null && !twoParts ? ONNX_PROBABILITIES : undefined;
  // A model with the "not a digit" output shares the softmax with it; the file's
  // probabilities are the ten digits' (they then sum to 1 - p(not a digit)).
  const digits = Math.min(classes, DIGIT_CLASSES);
  const range = (name: string, value: number) => graph.integers(name, [1], [value]);
  let rows: string;
  let notADigit: string | undefined;
  if (classes === digits) rows = graph.node("Softmax", [logits], { axis: 1 }, rowsOutput);
  else if (twoParts) {
    // As readUserDigits does: p(not a digit) from the view average, which digit from the
    // digit as it is (a dense network reads the image alone for both).
    const all = graph.node("Softmax", [logits], { axis: 1 });
    const { average: read, asIs } = average === null
      ? { average: all, asIs: all }
      : averageOverViews(graph, all, average, "outputs");
    const columns = (of: string, from: number, to: number) =>
      graph.node("Slice", [
        of,
        range(`columns_${from}_start`, from),
        range(`columns_${from}_end`, to),
        range(`columns_${from}_axis`, 1),
      ]);
    const ten = columns(asIs, 0, digits);
    // q_d = p_d / (p_0 + ... + p_9): [N x 10] / [N x 1]. Where all ten underflowed (the
    // network is sure it is no digit), no digit is likelier: 1/10 each, as guessFromOutputs
    // gives, instead of 0/0.
    const digitShare = graph.node("ReduceSum", [ten, range("digit_axis", 1)], { keepdims: 1 });
    const underflowed = graph.node("Equal", [digitShare, graph.constant("no_share", [], [0])]);
    const divisor = graph.node("Where", [
      underflowed,
      graph.constant("share_if_none", [], [1]),
      digitShare,
    ]);
    rows = graph.node(
      "Where",
      [
        underflowed,
        graph.constant("each_if_none", [], [1 / digits]),
        graph.node("Div", [ten, divisor]),
      ],
      {},
      ONNX_PROBABILITIES,
    );
    // [N x 1] -> [N]
    notADigit = graph.node("ReduceMax", [columns(read, digits, classes)], {
      axes: [1],
      keepdims: 0,
    });
  } else {
    const all = graph.node("Softmax", [logits], { axis: 1 });
    rows = graph.node(
      "Slice",
      [all, range("digits_start", 0), range("digits_end", digits), range("class_axis", 1)],
      {},
      rowsOutput,
    );
  }
  if (average !== null && !twoParts) averageOverViews(graph, rows, average, ONNX_PROBABILITIES);
  // Read in two parts, the digits come from the image as it is; the views vote on not_a_digit.
  const reading = average === null
    ? "of the image as it is (a dense network)"
    : twoParts
    ? "of the image as it is"
    : describeViews(average);
  const outputs: OnnxValue[] = [{
    name: ONNX_PROBABILITIES,
    dims: ["N", digits],
    doc: "softmax probability of each digit 0..9" +
      (temperature === 1 ? "" : `, calibrated (logits / ${temperature})`) +
      (twoParts ? ", renormalized over the ten digits (not a digit apart)" : "") +
      `, ${reading}: what digits' classify gives for a normalized digit`,
  }];
  // not_a_digit = max(probabilities) < refuseBelow: the app's refusal, its threshold chosen on
  // these very probabilities (src/train/refusal.ts), or 0.45 for a CNN file calibrated before
  // the refusal was learned (src/train/refusal_rule.ts).
  // Read in two parts: not_a_digit = 1 - p(not a digit) < refuseBelow, as its threshold was
  // chosen.
  const refusedScore = notADigit === undefined
    ? "the top probability"
    : "1 - p(not a digit) (the 11th output" +
      (average === null ? ")" : `, ${describeViews(average)})`);
  if (refuseBelow !== null) {
    const score = notADigit === undefined
      ? graph.node("ReduceMax", [ONNX_PROBABILITIES], { axes: [1], keepdims: 0 })
      : graph.node("Sub", [graph.constant("one", [], [1]), notADigit]);
    const threshold = graph.constant("refuse_below", [], [refuseBelow]);
    graph.node("Less", [score, threshold], {}, ONNX_NOT_A_DIGIT);
    outputs.push({
      name: ONNX_NOT_A_DIGIT,
      dims: ["N"],
      type: "bool",
      doc: `true when ${refusedScore} is under ${refuseBelow}: not a digit (what ` +
        "digits' classify answers for this normalized image)",
    });
  }
  return encodeModel({
    opset: ONNX_OPSET,
    producer: { name: "digits", version: options.version },
    graph: {
      name: "digits",
      doc: "Handwritten digit classifier trained by digits (from-scratch TypeScript network). " +
        "Input: 28x28 grayscale, 0..1, white ink on black, the digit centered as in MNIST. " +
        `Outputs: what digits' classify answers for such a digit: its probabilities ${reading}` +
        (refuseBelow === null ? "." : `, and not_a_digit (${refusedScore} under ${refuseBelow}).`),
      nodes: graph.nodes,
      initializers: graph.initializers,
      inputs: [{
        name: ONNX_INPUT,
        dims: ["N", 1, 28, 28],
        doc: "float32 pixels 0..1, ink bright (MNIST bytes / 255), row-major",
      }],
      outputs,
    },
    metadata: {
      ...options.metadata,
      ...(temperature === 1 ? {} : { temperature: String(temperature) }),
      ...(refuseBelow === null ? {} : { refuse_below: String(refuseBelow) }),
      ...(average === null ? {} : {
        views: JSON.stringify(average.views),
        as_is_weight: String(average.asIsWeight),
      }),
    },
  });
}

/**
 * The view average in words, for the file's doc strings: "averaged over the image as it is
 * (weight 2) and 3 views [angle (radians), scale] about (14, 14), each weight 1: [0,0.85], ...".
 */
function describeViews({ views, asIsWeight }: ViewAverage): string {
  return `averaged over the image as it is (weight ${asIsWeight}) and ${views.length} views ` +
    `[angle (radians), scale] about (14, 14), each weight 1: ` +
    views.map((view) => JSON.stringify(view)).join(", ");
}

/**
 * A value of the graph: its name and the shape it has in our terms ([H, W, C] or [n]). An image
 * value is channels-first in ONNX ([N, C, H, W]); a vector is [N, n] in our order.
 */
interface GraphValue {
  name: string;
  shape: Shape;
}

/** The ONNX nodes of one layer kind: adds them to `graph` and returns the layer's output. */
type LayerNodes<L extends LayerSpec> = (
  graph: GraphBuilder,
  layer: L,
  input: GraphValue,
  index: number,
) => GraphValue;

/**
 * Each layer kind as ONNX nodes. A new kind of layer is one entry here (TypeScript insists).
 */
const LAYER_NODES: { [K in LayerSpec["kind"]]: LayerNodes<Extract<LayerSpec, { kind: K }>> } = {
  // z = W * x + b over k x k patches, stride 1; W [out, k, k, in] stored, [out, in, k, k] in ONNX.
  conv(graph, layer, input, index) {
    const [height, width, channels] = input.shape;
    const { kernel } = layer;
    const weight = graph.parameter(index, "weight");
    const chw = new Float32Array(weight.length);
    for (let o = 0; o < layer.channels; o++) {
      for (let y = 0; y < kernel; y++) {
        for (let x = 0; x < kernel; x++) {
          for (let c = 0; c < channels; c++) {
            chw[((o * channels + c) * kernel + y) * kernel + x] =
              weight[((o * kernel + y) * kernel + x) * channels + c];
          }
        }
      }
    }
    const pad = layer.padding === "same" ? (kernel - 1) / 2 : 0;
    const w = graph.constant(
      `layers.${index}.weight`,
      [layer.channels, channels, kernel, kernel],
      chw,
    );
    const b = graph.constant(
      `layers.${index}.bias`,
      [layer.channels],
      graph.parameter(index, "bias"),
    );
    const z = graph.node("Conv", [input.name, w, b], {
      kernel_shape: [kernel, kernel],
      pads: [pad, pad, pad, pad],
      strides: [1, 1],
    });
    const out = pad === 0 ? [height - kernel + 1, width - kernel + 1] : [height, width];
    return { name: activation(graph, layer.activation, z), shape: [...out, layer.channels] };
  },
  // The largest of each 2x2 block, stride 2; an odd last row or column is dropped (floor).
  pool(graph, _layer, input) {
    const [height, width, channels] = input.shape;
    const name = graph.node("MaxPool", [input.name], { kernel_shape: [2, 2], strides: [2, 2] });
    return { name, shape: [Math.floor(height / 2), Math.floor(width / 2), channels] };
  },
  flatten(graph, _layer, input) {
    return flat(graph, input);
  },
  // a = f(x W + b): Gemm with W [in x out] as stored.
  dense(graph, layer, input, index) {
    const x = flat(graph, input);
    const w = graph.constant(
      `layers.${index}.weight`,
      [x.shape[0], layer.units],
      graph.parameter(index, "weight"),
    );
    const b = graph.constant(`layers.${index}.bias`, [layer.units], graph.parameter(index, "bias"));
    const z = graph.node("Gemm", [x.name, w, b]);
    // The output layer's logits go to the final Softmax.
    const name = layer.activation === "softmax" ? z : activation(graph, layer.activation, z);
    return { name, shape: [layer.units] };
  },
  // Inverted dropout passes values through at inference.
  dropout(_graph, _layer, input) {
    return input;
  },
  // exportOnnx folds every bn into the layer before it first.
  bn() {
    throw new Error("batch norm reached the ONNX graph unfolded");
  },
  // (x - mean) / std, the constants broadcast over every pixel.
  standardize(graph, layer, input, index) {
    const mean = graph.constant(`layers.${index}.mean`, [1], new Float32Array([layer.mean]));
    const std = graph.constant(`layers.${index}.std`, [1], new Float32Array([layer.std]));
    const shifted = graph.node("Sub", [input.name, mean]);
    return { name: graph.node("Div", [shifted, std]), shape: input.shape };
  },
};

const ACTIVATION_OPS: Record<Activation, string> = {
  relu: "Relu",
  sigmoid: "Sigmoid",
  tanh: "Tanh",
};

function activation(graph: GraphBuilder, kind: Activation, input: string): string {
  return graph.node(ACTIVATION_OPS[kind], [input]);
}

/**
 * A value as a vector [N x n] in our (y, x, c) order: an image goes back to channels-last
 * (a Transpose, unless it has one channel) and is flattened.
 */
function flat(graph: GraphBuilder, input: GraphValue): GraphValue {
  if (input.shape.length === 1) return input;
  const [height, width, channels] = input.shape;
  const hwc = channels === 1
    ? input.name
    : graph.node("Transpose", [input.name], { perm: [0, 2, 3, 1] });
  return { name: graph.node("Flatten", [hwc], { axis: 1 }), shape: [height * width * channels] };
}
