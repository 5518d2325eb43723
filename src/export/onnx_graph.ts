/**
 * The graph being built: nodes and constants in the order they are added, each node's output
 * named after the node. Shared by the layers' nodes (onnx.ts) and the views' (onnx_views.ts).
 *
 * @module
 */
import type { Network } from "../network/network.ts";
import type { OnnxInitializer, OnnxNode } from "./onnx_proto.ts";

/** Collects nodes and constants, naming each node's output after the node. */
export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxInitializer[] = [];

  constructor(private readonly network: Network) {}

  /** The values of `layers.<index>.<role>`, as the network holds them. */
  parameter(index: number, role: "weight" | "bias"): Float32Array {
    const name = `layers.${index}.${role}`;
    const found = this.network.parameters.find((p) => p.name === name);
    if (!found) throw new Error(`the network has no parameter ${name}`);
    return found.value;
  }

  /** An int64 constant (indices, axes, shapes); returns its name. */
  integers(name: string, dims: number[], values: ArrayLike<number>): string {
    this.initializers.push({ name, dims, data: { int64: Array.from(values) } });
    return name;
  }

  /** A float32 constant; returns its name. */
  constant(name: string, dims: number[], data: ArrayLike<number>): string {
    this.initializers.push({ name, dims, data: Float32Array.from(data) });
    return name;
  }

  /** Adds `op` on `inputs`; returns its output's name (`output`, else `<op>_<n>`). */
  node(
    op: string,
    inputs: string[],
    attributes: OnnxNode["attributes"] = {},
    output?: string,
  ): string {
    const name = `${op}_${this.nodes.length}`;
    const result = output ?? name;
    this.nodes.push({ op, name, inputs, outputs: [result], attributes });
    return result;
  }

  /** Adds `op` with `count` outputs (a Split); returns their names, `<op>_<n>.<k>`. */
  nodeOutputs(
    op: string,
    inputs: string[],
    count: number,
    attributes: OnnxNode["attributes"] = {},
  ): string[] {
    const name = `${op}_${this.nodes.length}`;
    const outputs = Array.from({ length: count }, (_, k) => `${name}.${k}`);
    this.nodes.push({ op, name, inputs, outputs, attributes });
    return outputs;
  }
}
