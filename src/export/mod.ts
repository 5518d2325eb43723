/**
 * Exporting a trained network to other runtimes: ONNX, written with our own small protobuf
 * writer (no dependency). The file answers what the app answers for a normalized digit: it
 * knows the network's layers and how the app reads a digit (a CNN's views, src/train/views.ts);
 * no I/O.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "../network/mod.ts";
 * import { exportOnnx } from "./mod.ts";
 *
 * const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, { seed: 1 });
 * const onnx = exportOnnx(network, { version: "1.0.0", metadata: { note: "tiny" } });
 * assert.equal(onnx[0], 0x08); // ModelProto field 1, ir_version, comes first
 * ```
 *
 * @module
 */
export {
  exportOnnx,
  ONNX_INPUT,
  ONNX_NOT_A_DIGIT,
  ONNX_OPSET,
  ONNX_PROBABILITIES,
  type OnnxExportOptions,
} from "./onnx.ts";
