/** A network's layers as a table, like Keras's `model.summary()`: what each layer makes, and its weights. */
import { type ColorLevel, paint } from "./color.ts";
import { count } from "./format.ts";

/** One layer as the table shows it (the network module's `summary()` rows fit). */
export interface LayerRow {
  /** The layer as its spec item: `conv5x32`, `pool`, `dense10 softmax`. */
  layer: string;
  outputShape: readonly number[];
  parameters: number;
}

/**
 * The layers, input first, each with its output shape and parameter count, and the total.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderLayerTable } from "./layer_table.ts";
 * const lines = renderLayerTable([
 *   { layer: "conv5x8", outputShape: [28, 28, 8], parameters: 208 },
 *   { layer: "pool", outputShape: [14, 14, 8], parameters: 0 },
 *   { layer: "dense10 softmax", outputShape: [10], parameters: 15690 },
 * ], { color: "none" });
 * assert.deepEqual(lines, [
 *   "layer            output shape  parameters",
 *   "input            28 x 28 x 1",
 *   "conv5x8          28 x 28 x 8          208",
 *   "pool             14 x 14 x 8            0",
 *   "dense10 softmax  10                15,690",
 *   "total                              15,898",
 * ]);
 * ```
 */
export function renderLayerTable(
  rows: readonly LayerRow[],
  options: { color: ColorLevel; inputShape?: readonly number[] },
): string[] {
  const c = paint(options.color);
  const shape = (dims: readonly number[]) => dims.join(" x ");
  const layerWidth = Math.max(17, ...rows.map((row) => row.layer.length + 2));
  const shapeWidth = Math.max(14, ...rows.map((row) => shape(row.outputShape).length + 2));
  const line = (layer: string, outputShape: string, parameters: string) =>
    (layer.padEnd(layerWidth) + outputShape.padEnd(shapeWidth) + parameters.padStart(10))
      .trimEnd();
  const total = rows.reduce((sum, row) => sum + row.parameters, 0);
  return [
    c.dim(line("layer", "output shape", "parameters")),
    line("input", shape(options.inputShape ?? [28, 28, 1]), ""),
    ...rows.map((row) => line(row.layer, shape(row.outputShape), count(row.parameters))),
    c.bold(line("total", "", count(total))),
  ];
}
