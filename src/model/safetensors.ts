/**
 * The safetensors container (https://huggingface.co/docs/safetensors), F32 only:
 *
 *   [8 bytes: header length N, u64 little-endian]
 *   [N bytes: UTF-8 JSON header, padded with spaces to a multiple of 8]
 *   [tensor bytes: f32 little-endian, tensors packed back to back in header order]
 *
 * Header: `{"__metadata__": {string: string}, "<name>": {"dtype": "F32", "shape": [...],
 * "data_offsets": [begin, end]}, ...}` with offsets relative to the start of the tensor bytes.
 * Nothing here knows what the tensors mean.
 */
import { UserError } from "../errors.ts";

/** A named, row-major float tensor: `data.length` is the product of `shape`. */
export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** Headers larger than this are a corrupt length field, not a real model (the reference reader caps at 100 MB too). */
const MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = "__metadata__";
const BYTES_PER_F32 = 4;
// Typed arrays use the host's byte order; the file is always little-endian.
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Serializes tensors and string metadata into safetensors bytes, tensors in the given order.
 * Throws a UserError if a tensor holds NaN or Infinity (such a file could not be loaded back),
 * and a TypeError for programming mistakes (duplicate names, data not matching the shape).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeSafetensors, encodeSafetensors } from "./safetensors.ts";
 *
 * const bytes = encodeSafetensors(
 *   [{ name: "layers.0.bias", shape: [2], data: new Float32Array([0.5, -1]) }],
 *   { format: "digits-model" },
 * );
 * assert.equal(bytes.length % 4, 0); // 8-byte length, padded JSON header, then the floats
 * const { metadata } = decodeSafetensors(bytes, "bias.safetensors");
 * assert.deepEqual(metadata, { format: "digits-model" });
 * ```
 */
export function encodeSafetensors(
  tensors: NamedTensor[],
  metadata: Record<string, string>,
): Uint8Array {
  const entries: string[] = [];
  const metadataFields = Object.entries(metadata).map(([key, value]) => {
    if (typeof value !== "string") {
      throw new TypeError(`metadata ${JSON.stringify(key)} must be a string, got ${typeof value}`);
    }
    return `${JSON.stringify(key)}:${JSON.stringify(value)}`;
  });
  entries.push(`${JSON.stringify(METADATA_KEY)}:{${metadataFields.join(",")}}`);

  const names = new Set<string>();
  let dataBytes = 0;
  for (const tensor of tensors) {
    checkTensorForEncoding(tensor, names);
    const begin = dataBytes;
    dataBytes += tensor.data.length * BYTES_PER_F32;
    // Entries are joined by hand, not via an object, so a name like "__proto__" stays a key.
    entries.push(
      `${JSON.stringify(tensor.name)}:{"dtype":"F32","shape":${JSON.stringify(tensor.shape)},` +
        `"data_offsets":[${begin},${dataBytes}]}`,
    );
  }

  const json = new TextEncoder().encode(`{${entries.join(",")}}`);
  // Pad so the tensor bytes start 8-byte aligned, as the reference writer does.
  const headerBytes = json.length + ((8 - (json.length % 8)) % 8);
  const bytes = new Uint8Array(8 + headerBytes + dataBytes);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(headerBytes), true);
  bytes.set(json, 8);
  bytes.fill(0x20, 8 + json.length, 8 + headerBytes);

  let offset = 8 + headerBytes;
  for (const tensor of tensors) {
    writeFloatsLittleEndian(tensor.data, bytes, offset);
    offset += tensor.data.length * BYTES_PER_F32;
  }
  return bytes;
}

/**
 * Parses and fully validates safetensors bytes. Every problem (truncation, bad JSON, a dtype
 * other than F32, overlapping or gapped offsets, trailing bytes, NaN/Infinity values) throws a
 * UserError starting with `fileName`. Tensor data is copied into fresh, aligned Float32Arrays.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeSafetensors } from "./safetensors.ts";
 *
 * const path = "models/pretrained.safetensors";
 * const { tensors, metadata } = decodeSafetensors(await Deno.readFile(path), path);
 * assert.deepEqual(tensors.get("layers.6.bias")?.shape, [11]); // the output layer: 10 digits + 1
 * assert.equal(metadata.format, "digits-model");
 * assert.throws(() => decodeSafetensors(new Uint8Array(0), "empty.safetensors"), {
 *   message: "empty.safetensors: not a model file (the file is empty)",
 * });
 * ```
 */
export function decodeSafetensors(
  bytes: Uint8Array,
  fileName: string,
): { tensors: Map<string, NamedTensor>; metadata: Record<string, string> } {
  const fail = (reason: string): never => {
    throw new UserError(`${fileName}: ${reason}`);
  };
  if (bytes.length === 0) fail("not a model file (the file is empty)");
  if (bytes.length < 8) {
    fail(`not a model file (only ${bytes.length} bytes, too short for the 8-byte header length)`);
  }

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength === 0n) fail("not a model file (header length 0)");
  if (headerLength > BigInt(bytes.length)) {
    fail(`not a model file (header length ${headerLength} exceeds file size ${bytes.length})`);
  }
  if (headerLength > BigInt(MAX_HEADER_BYTES)) {
    fail(`not a model file (header length ${headerLength} exceeds the 100 MB limit)`);
  }
  const headerBytes = Number(headerLength);
  if (8 + headerBytes > bytes.length) {
    fail(
      `truncated: header length ${headerBytes} needs ${
        8 + headerBytes
      } bytes, file has ${bytes.length}`,
    );
  }

  const header = parseHeader(bytes.subarray(8, 8 + headerBytes), fail);
  const metadata = parseMetadata(header[METADATA_KEY], fail);
  const entries = Object.entries(header)
    .filter(([name]) => name !== METADATA_KEY)
    .map(([name, entry]) => parseTensorEntry(name, entry, fail));

  const data = bytes.subarray(8 + headerBytes);
  checkLayout(entries, data.length, fail);

  const tensors = new Map<string, NamedTensor>();
  for (const entry of entries) {
    const values = readFloatsLittleEndian(data, entry.begin, entry.end);
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) {
        fail(`tensor ${entry.name} holds a non-finite value at index ${i}`);
      }
    }
    tensors.set(entry.name, { name: entry.name, shape: entry.shape, data: values });
  }
  return { tensors, metadata };
}

/** One validated header entry. */
interface TensorEntry {
  name: string;
  shape: number[];
  begin: number;
  end: number;
}

type Fail = (reason: string) => never;

function parseHeader(headerBytes: Uint8Array, fail: Fail): Record<string, unknown> {
  let text = "";
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(headerBytes);
  } catch {
    fail("not a model file (header is not UTF-8 text)");
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch {
    fail("not a model file (header is not valid JSON)");
  }
  if (!isPlainObject(header)) fail("not a model file (header is not a JSON object)");
  return header as Record<string, unknown>;
}

function parseMetadata(raw: unknown, fail: Fail): Record<string, string> {
  const metadata: Record<string, string> = {};
  if (raw === undefined) return metadata;
  if (!isPlainObject(raw)) fail(`${METADATA_KEY} is not a JSON object`);
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof value !== "string") {
      fail(`metadata value ${JSON.stringify(key)} is not a string`);
    }
    Object.defineProperty(metadata, key, { value, enumerable: true, writable: true });
  }
  return metadata;
}

function parseTensorEntry(name: string, raw: unknown, fail: Fail): TensorEntry {
  if (!isPlainObject(raw)) fail(`tensor ${name}: entry is not a JSON object`);
  const entry = raw as Record<string, unknown>;
  for (const field of ["dtype", "shape", "data_offsets"]) {
    if (!(field in entry)) fail(`tensor ${name} is missing "${field}"`);
  }
  if (entry.dtype !== "F32") {
    fail(`tensor ${name} has dtype ${JSON.stringify(entry.dtype)}, only "F32" is supported`);
  }
  const shape = entry.shape;
  if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger)) {
    fail(`tensor ${name} has shape ${JSON.stringify(shape)}, expected non-negative integers`);
  }
  const offsets = entry.data_offsets;
  if (
    !Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInteger) ||
    offsets[0] > offsets[1]
  ) {
    fail(`tensor ${name} has data_offsets ${JSON.stringify(offsets)}, expected [begin, end]`);
  }
  return { name, shape: shape as number[], begin: offsets[0], end: offsets[1] };
}

/** Checks that the tensors tile the data section exactly: right sizes, no gaps, no overlaps. */
function checkLayout(entries: TensorEntry[], dataLength: number, fail: Fail): void {
  const claimed = entries.reduce((max, entry) => Math.max(max, entry.end), 0);
  if (claimed > dataLength) {
    fail(`truncated: header says ${claimed} bytes of tensors, file has ${dataLength}`);
  }
  for (const { name, shape, begin, end } of entries) {
    const expected = shape.reduce((product, size) => product * size, 1) * BYTES_PER_F32;
    if (end - begin !== expected) {
      fail(
        `tensor ${name} has shape ${JSON.stringify(shape)} (${expected} bytes as F32) ` +
          `but data_offsets [${begin}, ${end}] span ${end - begin} bytes`,
      );
    }
  }
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let previous: TensorEntry | undefined;
  for (const entry of sorted) {
    const previousEnd = previous?.end ?? 0;
    if (entry.begin < previousEnd) {
      fail(`tensors ${previous!.name} and ${entry.name} overlap`);
    }
    if (entry.begin > previousEnd) {
      const where = previous ? `between tensors ${previous.name} and` : "before tensor";
      fail(`gap of ${entry.begin - previousEnd} bytes ${where} ${entry.name}`);
    }
    previous = entry;
  }
  if (claimed < dataLength) {
    fail(`${dataLength - claimed} unexpected bytes after the last tensor`);
  }
}

function checkTensorForEncoding(tensor: NamedTensor, names: Set<string>): void {
  const { name, shape, data } = tensor;
  if (name === METADATA_KEY || names.has(name)) {
    throw new TypeError(`tensor name ${JSON.stringify(name)} is reserved or used twice`);
  }
  names.add(name);
  if (!shape.every(isNonNegativeInteger)) {
    throw new TypeError(
      `tensor ${name} has shape ${JSON.stringify(shape)}, expected non-negative integers`,
    );
  }
  const count = shape.reduce((product, size) => product * size, 1);
  if (count !== data.length) {
    throw new TypeError(
      `tensor ${name} has shape ${JSON.stringify(shape)} but ${data.length} values`,
    );
  }
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new UserError(
        `tensor ${name} holds a non-finite value at index ${i}; refusing to save a model that could not be loaded`,
      );
    }
  }
}

/** Copies floats into `bytes` at `offset` as little-endian f32, preserving every bit (-0, subnormals). */
function writeFloatsLittleEndian(values: Float32Array, bytes: Uint8Array, offset: number): void {
  const source = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  bytes.set(source, offset);
  if (!HOST_IS_LITTLE_ENDIAN) reverseEachWord(bytes.subarray(offset, offset + source.length));
}

/** Copies bytes [begin, end) of a possibly unaligned buffer into a fresh Float32Array. */
function readFloatsLittleEndian(data: Uint8Array, begin: number, end: number): Float32Array {
  const values = new Float32Array((end - begin) / BYTES_PER_F32);
  const target = new Uint8Array(values.buffer);
  target.set(data.subarray(begin, end));
  if (!HOST_IS_LITTLE_ENDIAN) reverseEachWord(target);
  return values;
}

function reverseEachWord(bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length; i += 4) {
    const b0 = bytes[i], b1 = bytes[i + 1];
    bytes[i] = bytes[i + 3];
    bytes[i + 1] = bytes[i + 2];
    bytes[i + 2] = b1;
    bytes[i + 3] = b0;
  }
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function isPlainObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
