/**
 * Model files: the safetensors container, the digits model format on top of it, and the lock
 * that keeps two trainings off the same file. Nothing here knows the network's math.
 *
 * @example
 * ```ts
 * import { acquireModelLock, loadModelFile, requireTensor, saveModelFile } from "./mod.ts";
 *
 * const model = await loadModelFile("models/pretrained.safetensors");
 * const w0 = requireTensor(model, "layers.0.weight", [784, 128], "models/pretrained.safetensors");
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
