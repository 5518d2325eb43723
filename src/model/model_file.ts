/**
 * The digits model file: a safetensors file whose `__metadata__.digits` holds our metadata as
 * JSON text. `format` and `format_version` are also stored as plain strings so other tools can
 * recognize the file without parsing JSON. Shapes are not checked against any architecture
 * here; the network module does that when it adopts the tensors (see `requireTensor`).
 */
import { UserError } from "../errors.ts";
import { writeFileAtomic } from "../fs/atomic_write.ts";
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from "./safetensors.ts";

/** Value of `metadata.format` in every digits model. */
export const MODEL_FORMAT = "digits-model";
/**
 * The newest format version this program reads and the one it writes. Version 2 adds the
 * network's layer list (`layers`, `inputShape`); version-1 files (dense networks described by
 * `layerSizes`) still load.
 */
export const MODEL_FORMAT_VERSION = 2;

/** JSON-serializable metadata; the network and training code add their own keys. */
export interface ModelMetadata {
  format: typeof MODEL_FORMAT;
  formatVersion: number;
  [key: string]: unknown;
}

/** A model as stored on disk: metadata plus named tensors, in file order. */
export interface ModelFile {
  metadata: ModelMetadata;
  tensors: NamedTensor[];
}

/**
 * Writes `model` to `path` atomically: readers see the old file or the complete new one, never
 * a partial write, and no other file is left behind. Failures throw a UserError naming `path`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadModelFile, saveModelFile } from "./model_file.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const path = `${dir}/tiny.safetensors`;
 * await saveModelFile(path, {
 *   metadata: { format: "digits-model", formatVersion: 1, layerSizes: [784, 2] },
 *   tensors: [{ name: "layers.0.bias", shape: [2], data: new Float32Array([0.5, -1]) }],
 * });
 * const model = await loadModelFile(path);
 * assert.deepEqual(model.metadata.layerSizes, [784, 2]);
 * assert.deepEqual(model.tensors[0].data, new Float32Array([0.5, -1]));
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function saveModelFile(path: string, model: ModelFile): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = encodeSafetensors(model.tensors, {
      format: MODEL_FORMAT,
      format_version: String(MODEL_FORMAT_VERSION),
      digits: JSON.stringify(model.metadata),
    });
  } catch (error) {
    if (error instanceof UserError) throw new UserError(`cannot write ${path}: ${error.message}`);
    throw error;
  }
  await writeFileAtomic(path, bytes);
}

/**
 * Reads and validates a digits model file. Every problem a user can cause (missing file, a
 * folder, no permission, empty, truncated or random bytes, a safetensors file from another
 * tool, a newer format version) throws a one-line UserError that starts with `path`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadModelFile } from "./model_file.ts";
 *
 * const model = await loadModelFile("models/pretrained.safetensors"); // the shipped CNN
 * assert.equal(model.metadata.formatVersion, 2);
 * // Conv and dense layers have tensors; pool and dropout (layers 1, 3, 5) have none (besides
 * // the weights, a file saved with its optimizer state holds Adam's moments, optimizer.*).
 * const weights = model.tensors.map((t) => t.name).filter((name) => !name.startsWith("optimizer."));
 * assert.deepEqual(weights, [
 *   "layers.0.weight",
 *   "layers.0.bias",
 *   "layers.2.weight",
 *   "layers.2.bias",
 *   "layers.4.weight",
 *   "layers.4.bias",
 *   "layers.6.weight",
 *   "layers.6.bias",
 * ]);
 * const dense = await loadModelFile("models/pretrained_mlp.safetensors");
 * assert.equal(dense.metadata.formatVersion, 1); // version-1 files still load
 * await assert.rejects(loadModelFile("no_such.safetensors"), /^UserError: no_such.safetensors: /);
 * ```
 */
export async function loadModelFile(path: string): Promise<ModelFile> {
  const bytes = await readModelBytes(path);
  const { tensors, metadata } = decodeSafetensors(bytes, path);
  return { metadata: parseDigitsMetadata(metadata, path), tensors: [...tensors.values()] };
}

/**
 * Returns the data of tensor `name`, checking that its shape is exactly `shape`; otherwise
 * throws a UserError naming the file, the tensor and both shapes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadModelFile, requireTensor } from "./model_file.ts";
 *
 * const path = "models/pretrained_mlp.safetensors"; // the shipped dense network
 * const model = await loadModelFile(path);
 * const weights = requireTensor(model, "layers.0.weight", [784, 256], path); // [784 x 256]
 * assert.equal(weights.length, 784 * 256);
 * assert.throws(() => requireTensor(model, "layers.0.weight", [784, 128], path), {
 *   message: `${path}: tensor layers.0.weight has shape [784 x 256], expected [784 x 128]`,
 * });
 * ```
 */
export function requireTensor(
  model: ModelFile,
  name: string,
  shape: number[],
  fileName: string,
): Float32Array {
  const tensor = model.tensors.find((candidate) => candidate.name === name);
  if (!tensor) {
    throw new UserError(
      `${fileName}: tensor ${name} is missing (expected shape ${formatShape(shape)})`,
    );
  }
  const matches = tensor.shape.length === shape.length &&
    tensor.shape.every((size, axis) => size === shape[axis]);
  if (!matches) {
    throw new UserError(
      `${fileName}: tensor ${name} has shape ${formatShape(tensor.shape)}, expected ${
        formatShape(shape)
      }`,
    );
  }
  return tensor.data;
}

async function readModelBytes(path: string): Promise<Uint8Array> {
  try {
    const info = await Deno.stat(path);
    // A device or pipe (/dev/zero, a FIFO) would be read forever or block.
    if (!info.isFile && !info.isDirectory) {
      throw new UserError(`${path}: not a regular file, expected a model file`);
    }
    return await Deno.readFile(path);
  } catch (error) {
    if (error instanceof UserError) throw error;
    if (error instanceof Deno.errors.NotFound) throw new UserError(`${path}: no such model file`);
    if (error instanceof Deno.errors.IsADirectory) {
      throw new UserError(`${path}: is a folder, expected a model file`);
    }
    if (error instanceof Deno.errors.PermissionDenied) {
      throw new UserError(`${path}: permission denied`);
    }
    if (error instanceof Deno.errors.NotCapable) {
      throw new UserError(`${path}: not allowed to read it (run with --allow-read)`);
    }
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new UserError(`${path}: cannot read the model file (${message})`);
  }
}

function parseDigitsMetadata(metadata: Record<string, string>, path: string): ModelMetadata {
  const fail = (reason: string): never => {
    throw new UserError(`${path}: ${reason}`);
  };
  if (!Object.hasOwn(metadata, "digits")) fail(`not a digits model: no "digits" metadata`);
  const text = metadata.digits;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    fail(`not a digits model: the "digits" metadata is not valid JSON`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    fail(`not a digits model: the "digits" metadata is not a JSON object`);
  }
  const fields = parsed as Record<string, unknown>;
  if (fields.format !== MODEL_FORMAT) {
    fail(
      `not a digits model: format is ${JSON.stringify(fields.format)}, expected "${MODEL_FORMAT}"`,
    );
  }
  const version = fields.formatVersion;
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1) {
    fail(`invalid model file: formatVersion ${JSON.stringify(version)} is not a positive integer`);
  }
  if ((version as number) > MODEL_FORMAT_VERSION) {
    fail(
      `model format version ${version} is newer than this program reads ` +
        `(version ${MODEL_FORMAT_VERSION}); update digits to load it`,
    );
  }
  return fields as ModelMetadata;
}

function formatShape(shape: number[]): string {
  return `[${shape.join(" x ")}]`;
}
