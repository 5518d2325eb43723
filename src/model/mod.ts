/**
 * Model files: the safetensors container, the digits model format on top of it, and the lock
 * that keeps two trainings off the same file. Nothing here knows the network's math.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadModelFile, requireTensor } from "./mod.ts";
 *
 * const path = "models/pretrained.safetensors";
 * const model = await loadModelFile(path);
 * const filterBias = requireTensor(model, "layers.0.bias", [32], path); // conv5x32's 32 filters
 * assert.equal(filterBias.length, 32);
 * ```
 */
export { decodeSafetensors, encodeSafetensors, type NamedTensor } from "./safetensors.ts";
export {
  loadModelFile,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  type ModelFile,
  type ModelMetadata,
  requireTensor,
  saveModelFile,
} from "./model_file.ts";
export { acquireModelLock, type ModelLock } from "./lock.ts";
