/**
 * The ONNX messages an exported network is made of (onnx.proto: ModelProto, GraphProto,
 * NodeProto, AttributeProto, TensorProto, ValueInfoProto), each with its field numbers, written
 * with our protobuf writer. Only what a feed-forward float32 network needs.
 *
 * @module
 */
import {
  bytesField,
  type Field,
  floatField,
  intField,
  message,
  messageField,
  packedIntsField,
  stringField,
} from "./protobuf.ts";

/** TensorProto.DataType.FLOAT. */
const FLOAT = 1;
/** TensorProto.DataType.INT64. */
const INT64 = 7;
/** TensorProto.DataType.BOOL. */
const BOOL = 9;

/** An attribute value: an int, a float, a list of ints, or a string. */
export type AttributeValue = number | { float: number } | readonly number[] | string;

/** One NodeProto: `op` (an ONNX operator of the default domain) from inputs to outputs. */
export interface OnnxNode {
  op: string;
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: Readonly<Record<string, AttributeValue>>;
}

/** A constant tensor of the graph (a weight, a bias, a shape). */
export interface OnnxInitializer {
  name: string;
  dims: readonly number[];
  /** float32 values, or int64 values as numbers. */
  data: Float32Array | { int64: readonly number[] };
}

/** A graph input or output: its name and shape (a string is a symbolic size, e.g. `N`). */
export interface OnnxValue {
  name: string;
  dims: readonly (number | string)[];
  /** The element type: float32 unless said. */
  type?: "float" | "bool";
  doc?: string;
}

/** What `encodeModel` writes. */
export interface OnnxModel {
  /** The default domain's opset. */
  opset: number;
  producer: { name: string; version: string };
  graph: {
    name: string;
    doc: string;
    nodes: readonly OnnxNode[];
    initializers: readonly OnnxInitializer[];
    inputs: readonly OnnxValue[];
    outputs: readonly OnnxValue[];
  };
  /** metadata_props: key-value strings a runtime shows (InferenceSession's modelMetadata). */
  metadata: Readonly<Record<string, string>>;
}

/**
 * IR version 7 (ONNX 1.8) is the first to go with opset 13, which is what we write; every
 * runtime of the last years reads it.
 */
const IR_VERSION = 7;

/**
 * The bytes of an ONNX file (a serialized ModelProto).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeModel } from "./onnx_proto.ts";
 * const bytes = encodeModel({
 *   opset: 13,
 *   producer: { name: "digits", version: "0" },
 *   graph: {
 *     name: "g", doc: "", initializers: [],
 *     nodes: [{ op: "Relu", name: "relu", inputs: ["x"], outputs: ["y"] }],
 *     inputs: [{ name: "x", dims: ["N", 3] }],
 *     outputs: [{ name: "y", dims: ["N", 3] }],
 *   },
 *   metadata: {},
 * });
 * assert.deepEqual([...bytes.subarray(0, 2)], [0x08, 7]); // field 1 (ir_version) = 7
 * ```
 */
export function encodeModel(model: OnnxModel): Uint8Array {
  const { graph } = model;
  // ModelProto: 1 ir_version, 2 producer_name, 3 producer_version, 6 doc_string, 7 graph,
  // 8 opset_import (OperatorSetIdProto: 1 domain, 2 version), 14 metadata_props.
  return message([
    intField(1, IR_VERSION),
    stringField(2, model.producer.name),
    stringField(3, model.producer.version),
    // GraphProto: 1 node, 2 name, 5 initializer, 10 doc_string, 11 input, 12 output.
    messageField(7, [
      ...graph.nodes.map((node) => messageField(1, nodeFields(node))),
      stringField(2, graph.name),
      ...graph.initializers.map((tensor) => messageField(5, tensorFields(tensor))),
      stringField(10, graph.doc),
      ...graph.inputs.map((value) => messageField(11, valueInfoFields(value))),
      ...graph.outputs.map((value) => messageField(12, valueInfoFields(value))),
    ]),
    messageField(8, [stringField(1, ""), intField(2, model.opset)]),
    // StringStringEntryProto: 1 key, 2 value.
    ...Object.entries(model.metadata).map(([key, value]) =>
      messageField(14, [stringField(1, key), stringField(2, value)])
    ),
  ]);
}

/** NodeProto: 1 input, 2 output, 3 name, 4 op_type, 5 attribute. */
function nodeFields(node: OnnxNode): Field[] {
  return [
    ...node.inputs.map((name) => stringField(1, name)),
    ...node.outputs.map((name) => stringField(2, name)),
    stringField(3, node.name),
    stringField(4, node.op),
    ...Object.entries(node.attributes ?? {}).map(([name, value]) =>
      messageField(5, attributeFields(name, value))
    ),
  ];
}

/**
 * AttributeProto: 1 name, 20 type, and the value in 2 f (FLOAT = 1), 3 i (INT = 2), 4 s
 * (STRING = 3) or 8 ints (INTS = 7).
 */
function attributeFields(name: string, value: AttributeValue): Field[] {
  const named = stringField(1, name);
  if (typeof value === "number") return [named, intField(3, value), intField(20, 2)];
  if (typeof value === "string") return [named, stringField(4, value), intField(20, 3)];
  if ("float" in value) return [named, floatField(2, value.float), intField(20, 1)];
  return [named, packedIntsField(8, value), intField(20, 7)];
}

/** TensorProto: 1 dims, 2 data_type, 8 name, 9 raw_data (little-endian), 7 int64_data. */
function tensorFields(tensor: OnnxInitializer): Field[] {
  // A scalar has no dims at all.
  const dims = tensor.dims.length > 0 ? [packedIntsField(1, tensor.dims)] : [];
  const name = stringField(8, tensor.name);
  if (tensor.data instanceof Float32Array) {
    const raw = new Uint8Array(tensor.data.length * 4);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < tensor.data.length; i++) view.setFloat32(i * 4, tensor.data[i], true);
    return [...dims, intField(2, FLOAT), name, bytesField(9, raw)];
  }
  return [...dims, intField(2, INT64), name, packedIntsField(7, tensor.data.int64)];
}

/**
 * ValueInfoProto: 1 name, 2 type, 3 doc_string. TypeProto: 1 tensor_type; TypeProto.Tensor:
 * 1 elem_type, 2 shape; TensorShapeProto: 1 dim; Dimension: 1 dim_value or 2 dim_param.
 */
function valueInfoFields(value: OnnxValue): Field[] {
  const dims = value.dims.map((dim) =>
    messageField(1, [typeof dim === "number" ? intField(1, dim) : stringField(2, dim)])
  );
  const elemType = value.type === "bool" ? BOOL : FLOAT;
  const tensorType = messageField(1, [intField(1, elemType), messageField(2, dims)]);
  const fields = [stringField(1, value.name), messageField(2, [tensorType])];
  if (value.doc) fields.push(stringField(3, value.doc));
  return fields;
}
