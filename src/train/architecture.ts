/**
 * The network a training run builds, from the options that describe it (`--layers`, or
 * `--hidden` with `--activation`), and how an architecture reads in one line.
 */
import {
  type Activation,
  denseLayers,
  DIGIT_CLASSES,
  formatLayerSpec,
  hasNotADigitOutput,
  LAYER_PRESETS,
  type LayeredArchitecture,
  type LayerSpec,
  MNIST_MEAN,
  MNIST_STD,
  parseLayerSpec,
} from "../network/mod.ts";

/** The values that decide the architecture (see TRAIN_OPTIONS). */
export interface ArchitectureValues {
  /** Hidden dense widths: the network when `layers` is "". */
  hidden: readonly number[];
  activation: Activation;
  /** A layer spec or preset name; "" for a dense network of `hidden`. */
  layers: string;
  /** Put a `standardize` layer first (`--standardize`). */
  standardize?: boolean;
  /** Not-a-digit kinds trained with (`--negatives`): with the "class" target, an 11th output. */
  negatives?: readonly string[];
  /** What a not-a-digit image is taught (`--negative-target`). */
  negativeTarget?: "class" | "uniform";
}

/**
 * The outputs a network of `values` gets: the ten digits, and the "not a digit" class when it
 * trains with negatives toward that class.
 */
export function outputClasses(values: ArchitectureValues): number {
  const notADigit = (values.negatives?.length ?? 0) > 0 && values.negativeTarget === "class";
  return DIGIT_CLASSES + (notADigit ? 1 : 0);
}

/**
 * The architecture the values ask for: the layer list of `layers` (each conv and dense layer
 * with `activation`), or a dense network 784-hidden-10.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { architectureOf } from "./architecture.ts";
 * const cnn = architectureOf({ hidden: [256], activation: "relu", layers: "cnn" });
 * assert.equal(cnn.layers[0].kind, "conv");
 * const mlp = architectureOf({ hidden: [128, 64], activation: "tanh", layers: "" });
 * assert.deepEqual(mlp.inputShape, [784]);
 * assert.equal(mlp.layers.length, 3);
 * ```
 */
export function architectureOf(values: ArchitectureValues): LayeredArchitecture {
  const classes = outputClasses(values);
  const architecture: LayeredArchitecture = values.layers !== ""
    ? parseLayerSpec(values.layers, { activation: values.activation, classes })
    : {
      inputShape: [784],
      layers: denseLayers([784, ...values.hidden, classes], values.activation),
    };
  if (values.standardize && architecture.layers[0].kind !== "standardize") {
    architecture.layers.unshift({ kind: "standardize", mean: MNIST_MEAN, std: MNIST_STD });
  }
  return architecture;
}

/** True when every hidden layer is dense with one activation: a network `--hidden` describes. */
export function isDenseLayers(layers: readonly LayerSpec[]): boolean {
  const hidden = layers.slice(0, -1);
  return hidden.every((layer) => layer.kind === "dense") &&
    new Set(hidden.map((layer) => (layer as { activation: string }).activation)).size <= 1;
}

/**
 * An architecture in one line: `784-256-10 relu` for a dense network (as the original projects
 * name theirs), else the layer spec with its activation, naming a preset it equals.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { architectureOf, describeArchitecture } from "./architecture.ts";
 * assert.equal(
 *   describeArchitecture(architectureOf({ hidden: [256], activation: "relu", layers: "" })),
 *   "784-256-10 relu",
 * );
 * assert.equal(
 *   describeArchitecture(architectureOf({ hidden: [], activation: "relu", layers: "cnn" })),
 *   "cnn: conv5x32,pool,conv5x64,pool,dense128,dropout0.5 relu",
 * );
 * ```
 */
export function describeArchitecture(
  architecture: { inputShape: readonly number[]; layers: readonly LayerSpec[] },
): string {
  const { layers, inputShape } = architecture;
  const first = layers.find((l) =>
    l.kind === "conv" || (l.kind === "dense" && l !== layers.at(-1))
  );
  const activation = first && "activation" in first ? ` ${first.activation}` : "";
  if (isDenseLayers(layers)) {
    const inputs = inputShape.reduce((a, b) => a * b, 1);
    const widths = [inputs, ...layers.map((l) => (l as { units: number }).units)];
    return `${widths.join("-")}${activation}`;
  }
  const spec = formatLayerSpec(layers);
  const preset = Object.entries(LAYER_PRESETS).find(([, text]) => text === spec)?.[0];
  const last = layers.at(-1);
  const notADigit = last?.kind === "dense" && hasNotADigitOutput(last.units)
    ? ", + not-a-digit output"
    : "";
  return `${preset ? `${preset}: ` : ""}${spec}${activation}${notADigit}`;
}

/**
 * Whether two layer lists build the same network (the same layers, sizes and activations; a
 * dense network reads the same whether its input is [784] or [28, 28, 1]).
 */
export function sameLayers(a: readonly LayerSpec[], b: readonly LayerSpec[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * An architecture's shortest name: the widths of a dense network, a preset's name, else the
 * spec text (for a header line that has little room).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { architectureOf, shortArchitectureName } from "./architecture.ts";
 * const name = (layers: string) =>
 *   shortArchitectureName(architectureOf({ hidden: [256], activation: "relu", layers }));
 * assert.equal(name(""), "784-256-10");
 * assert.equal(name("cnn"), "cnn");
 * assert.equal(name("conv3x8,pool"), "conv3x8,pool");
 * ```
 */
export function shortArchitectureName(
  architecture: { inputShape: readonly number[]; layers: readonly LayerSpec[] },
): string {
  const long = describeArchitecture(architecture);
  if (isDenseLayers(architecture.layers)) return long.split(" ")[0];
  const spec = formatLayerSpec(architecture.layers);
  return Object.entries(LAYER_PRESETS).find(([, text]) => text === spec)?.[0] ?? spec;
}
