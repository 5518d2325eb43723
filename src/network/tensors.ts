import type { OptimizerKind } from "./optimizer.ts";
import type { Network } from "./network.ts";

/** A named tensor as model files store it (structurally the same as the model module's). */
export interface TensorRecord {
  name: string;
  shape: number[];
  data: Float32Array;
}

/**
 * The network's weights and biases, plus the optimizer state that `kind` uses (Adam: `.m` and
 * `.v`; momentum: `.velocity`; sgd: none), named `layers.<k>.weight|bias` (k: the layer's
 * index in `network.layers`; conv and dense layers only) and
 * `optimizer.layers.<k>.weight|bias.<m|v|velocity>`; batch norm's running statistics as
 * `layers.<k>.running_mean|running_var`. The data are copies.
 */
export function networkTensors(network: Network, kind: OptimizerKind | undefined): TensorRecord[] {
  const tensors: TensorRecord[] = [];
  for (const p of network.parameters) {
    tensors.push({ name: p.name, shape: [...p.shape], data: p.value.slice() });
  }
  for (const t of network.stateTensors) {
    tensors.push({ name: t.name, shape: [...t.shape], data: t.value.slice() });
  }
  for (const p of network.parameters) {
    for (const [suffix, buffer] of optimizerBuffers(kind, p.moment1, p.moment2)) {
      tensors.push({
        name: `optimizer.${p.name}.${suffix}`,
        shape: [...p.shape],
        data: buffer.slice(),
      });
    }
  }
  return tensors;
}

/**
 * Loads weights (and optimizer state for `kind`, when present) into `network`. Returns a
 * problem description instead of throwing, so the caller can name the file in its error: a
 * missing tensor, a shape that differs, or a `layers.*` tensor the network has no place for.
 */
export function restoreNetworkTensors(
  network: Network,
  tensors: ReadonlyMap<string, { shape: number[]; data: Float32Array }>,
  kind: OptimizerKind | undefined,
): string | undefined {
  const check = (name: string, shape: number[]): Float32Array | string => {
    const tensor = tensors.get(name);
    if (!tensor) return `tensor ${name} is missing`;
    if (tensor.shape.join() !== shape.join()) {
      return `tensor ${name} has shape [${tensor.shape}], expected [${shape}]`;
    }
    return tensor.data;
  };
  const names = new Set([...network.parameters, ...network.stateTensors].map((p) => p.name));
  for (const name of tensors.keys()) {
    if (name.startsWith("layers.") && !names.has(name)) {
      return `tensor ${name} belongs to no layer of this network`;
    }
  }
  const found: Array<[Float32Array, Float32Array]> = [];
  for (const p of network.parameters) {
    const data = check(p.name, p.shape);
    if (typeof data === "string") return data;
    found.push([p.value, data]);
    for (const [suffix, buffer] of optimizerBuffers(kind, p.moment1, p.moment2)) {
      const state = check(`optimizer.${p.name}.${suffix}`, p.shape);
      if (typeof state === "string") return state;
      found.push([buffer, state]);
    }
  }
  for (const t of network.stateTensors) {
    const data = check(t.name, t.shape);
    if (typeof data === "string") return data;
    found.push([t.value, data]);
  }
  for (const p of network.parameters) {
    p.moment1.fill(0);
    p.moment2.fill(0);
  }
  for (const [target, data] of found) target.set(data);
  return undefined;
}

function optimizerBuffers(
  kind: OptimizerKind | undefined,
  moment1: Float32Array,
  moment2: Float32Array,
): Array<[string, Float32Array]> {
  if (kind === "adam") return [["m", moment1], ["v", moment2]];
  if (kind === "momentum") return [["velocity", moment1]];
  return [];
}
