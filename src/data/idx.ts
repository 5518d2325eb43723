/**
 * Reader for the IDX format MNIST is published in: a big-endian header (magic number, then one
 * 32-bit size per dimension) followed by the raw unsigned bytes. Files may be gzip-compressed.
 *
 * Every problem with a file is reported as a one-line UserError that starts with the file name.
 */
import { UserError } from "../errors.ts";
import { type Dataset, IMAGE_PIXELS, IMAGE_SIDE } from "./dataset.ts";

/** Magic number of an IDX image file: unsigned bytes (0x08), 3 dimensions. */
export const IDX_IMAGES_MAGIC = 0x0803; // 2051
/** Magic number of an IDX label file: unsigned bytes (0x08), 1 dimension. */
export const IDX_LABELS_MAGIC = 0x0801; // 2049

/**
 * Largest decompressed IDX file we accept: the 60,000-image training file (16-byte header +
 * 60,000 x 784 bytes) plus 1 MiB of slack. Inflation stops once output passes this, so a
 * malicious or broken .gz cannot make us allocate gigabytes.
 */
export const MAX_IDX_BYTES = 16 + 60_000 * IMAGE_PIXELS + (1 << 20);

/** What an IDX file holds. */
export type IdxKind = "images" | "labels";

/** Parsed IDX image file: `count` 28x28 images, [count x 784] bytes. */
export interface IdxImages {
  /** An image file. */
  kind: "images";
  /** How many images. */
  count: number;
  /** [count x 784] pixel bytes, row-major, image after image. */
  pixels: Uint8Array;
}

/** Parsed IDX label file: `count` labels. */
export interface IdxLabels {
  /** A label file. */
  kind: "labels";
  /** How many labels. */
  count: number;
  /** [count] label bytes. */
  labels: Uint8Array;
}

const MAGIC_OF: Record<IdxKind, number> = { images: IDX_IMAGES_MAGIC, labels: IDX_LABELS_MAGIC };

/**
 * Parses IDX bytes (already decompressed) into images or labels, checking the magic number,
 * the 28x28 image size and that the payload length matches the header exactly. Without
 * `expected`, the kind is taken from the magic number. The returned arrays are views into
 * `bytes` (no copy).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseIdx } from "./idx.ts";
 *
 * // A label file of three labels: magic 0x0801, count 3 (big-endian), then the labels.
 * const bytes = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1]);
 * const parsed = parseIdx(bytes, "three-labels-idx1-ubyte", "labels");
 * assert.equal(parsed.kind, "labels");
 * assert.deepEqual(Array.from(parsed.kind === "labels" ? parsed.labels : []), [7, 2, 1]);
 * assert.throws(() => parseIdx(bytes.subarray(0, 10), "cut-idx1-ubyte"), {
 *   message: "cut-idx1-ubyte: truncated: expected 11 bytes, got 10",
 * });
 * ```
 */
export function parseIdx(
  bytes: Uint8Array,
  fileName: string,
  expected?: IdxKind,
): IdxImages | IdxLabels {
  const fail = (what: string) => new UserError(`${fileName}: ${what}`);
  if (bytes.length < 4) {
    throw fail(`truncated: expected at least 4 bytes of IDX header, got ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const kind = magic === IDX_IMAGES_MAGIC
    ? "images"
    : magic === IDX_LABELS_MAGIC
    ? "labels"
    : undefined;
  if (kind === undefined || (expected !== undefined && kind !== expected)) {
    const wanted = expected
      ? `${MAGIC_OF[expected]} (${expected})`
      : `${IDX_IMAGES_MAGIC} (images) or ${IDX_LABELS_MAGIC} (labels)`;
    throw fail(`bad magic number ${magic}, expected ${wanted}${describeMagic(bytes)}`);
  }

  const dims = kind === "images" ? 3 : 1;
  const headerBytes = 4 + 4 * dims;
  if (bytes.length < headerBytes) {
    throw fail(
      `truncated: expected at least ${headerBytes} bytes of IDX header, got ${bytes.length}`,
    );
  }
  const count = view.getUint32(4);
  if (kind === "images") {
    const rows = view.getUint32(8);
    const cols = view.getUint32(12);
    if (rows !== IMAGE_SIDE || cols !== IMAGE_SIDE) {
      throw fail(`images are ${rows}x${cols}, expected ${IMAGE_SIDE}x${IMAGE_SIDE}`);
    }
  }
  const itemBytes = kind === "images" ? IMAGE_PIXELS : 1;
  const expectedBytes = headerBytes + count * itemBytes;
  if (bytes.length < expectedBytes) {
    throw fail(`truncated: expected ${expectedBytes} bytes, got ${bytes.length}`);
  }
  if (bytes.length > expectedBytes) {
    throw fail(
      `${bytes.length - expectedBytes} trailing bytes after ${count} ${kind}: ` +
        `expected ${expectedBytes} bytes, got ${bytes.length}`,
    );
  }
  const payload = bytes.subarray(headerBytes);
  return kind === "images" ? { kind, count, pixels: payload } : { kind, count, labels: payload };
}

/** Explains the magic bytes when they hint at a known mistake (e.g. a still-gzipped file). */
function describeMagic(bytes: Uint8Array): string {
  if (isGzip(bytes)) return " (the data is still gzip-compressed)";
  // The other IDX element types: signed byte, short, int, float, double.
  if (bytes[0] === 0 && bytes[1] === 0 && [0x09, 0x0b, 0x0c, 0x0d, 0x0e].includes(bytes[2])) {
    return ` (data type 0x${bytes[2].toString(16).padStart(2, "0")}, expected 0x08 unsigned byte)`;
  }
  return "";
}

/** True when `bytes` start with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Inflates gzip `bytes` with the platform's DecompressionStream, failing with a UserError once
 * the output passes `maxBytes` (decompression-bomb guard) or when the data is corrupt.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gunzipCapped } from "./idx.ts";
 *
 * const gz = await new Response(
 *   new Blob([new Uint8Array(1000)]).stream().pipeThrough(new CompressionStream("gzip")),
 * ).bytes();
 * assert.equal((await gunzipCapped(gz, "zeros.gz", 1000)).length, 1000);
 * await assert.rejects(gunzipCapped(gz, "zeros.gz", 999)); // inflates past the cap
 * ```
 */
export async function gunzipCapped(
  bytes: Uint8Array,
  fileName: string,
  maxBytes: number,
): Promise<Uint8Array> {
  const reader = slicedStream(bytes, GUNZIP_INPUT_CHUNK).pipeThrough(
    new DecompressionStream("gzip"),
  ).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        throw new UserError(
          `${fileName}: decompresses to more than ${maxBytes} bytes, too large for an MNIST file`,
        );
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new UserError(`${fileName}: not gzip data / corrupt gzip (${reason})`);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/**
 * Compressed bytes fed to the inflater per step. The inflater turns one input chunk into one
 * output chunk, and deflate expands at most ~1032x, so 16 KiB in means at most ~17 MB out
 * between two cap checks (fed whole, a 10 MB bomb would inflate to 10 GB before we could look).
 */
const GUNZIP_INPUT_CHUNK = 16 * 1024;

/** A stream over `bytes` in `chunkBytes` slices, produced only as the consumer pulls. */
function slicedStream(bytes: Uint8Array, chunkBytes: number): ReadableStream<BufferSource> {
  let offset = 0;
  return new ReadableStream<BufferSource>({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.subarray(offset, offset + chunkBytes) as Uint8Array<ArrayBuffer>);
      offset += chunkBytes;
    },
  }, { highWaterMark: 0 });
}

/**
 * Reads an IDX file from disk, gunzipping it when it is gzip (by the 1f 8b magic, whatever
 * the name), and returns the raw IDX bytes. Fails with a UserError naming `path`.
 */
export async function readIdxBytes(path: string): Promise<Uint8Array> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    throw describeReadError(path, error);
  }
  if (!info.isFile) throw new UserError(`${path}: not a file`);
  // A real IDX file never exceeds the cap uncompressed, and gzip only makes it smaller.
  if (info.size > MAX_IDX_BYTES) {
    throw new UserError(`${path}: ${info.size} bytes, too large for an MNIST file`);
  }
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    throw describeReadError(path, error);
  }
  if (isGzip(bytes)) return await gunzipCapped(bytes, path, MAX_IDX_BYTES);
  if (path.endsWith(".gz")) {
    throw new UserError(`${path}: not gzip data / corrupt gzip (does not start with 1f 8b)`);
  }
  return bytes;
}

function describeReadError(path: string, error: unknown): UserError {
  if (error instanceof Deno.errors.NotFound) return new UserError(`${path}: file not found`);
  if (error instanceof Deno.errors.PermissionDenied) {
    return new UserError(`${path}: permission denied`);
  }
  const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
  return new UserError(`${path}: cannot read (${message})`);
}

/**
 * Reads an IDX image file (gzip or not): `count` images as [count x 784] bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readIdxImages } from "./idx.ts";
 *
 * // An IDX image file as MNIST publishes them (here 2 images: magic 2051, count, 28, 28, pixels).
 * const path = await Deno.makeTempFile({ suffix: "-images-idx3-ubyte" });
 * const header = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28];
 * await Deno.writeFile(path, new Uint8Array([...header, ...new Array(2 * 784).fill(0)]));
 * const { count, pixels } = await readIdxImages(path);
 * assert.equal(count, 2);
 * assert.equal(pixels.length, 2 * 784);
 * ```
 */
export async function readIdxImages(path: string): Promise<IdxImages> {
  return parseIdx(await readIdxBytes(path), path, "images") as IdxImages;
}

/**
 * Reads an IDX label file (gzip or not) and checks every label is a digit 0..9.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readIdxLabels } from "./idx.ts";
 *
 * // An IDX label file as MNIST publishes them (here 3 labels: magic 2049, count, the labels).
 * const path = await Deno.makeTempFile({ suffix: "-labels-idx1-ubyte" });
 * await Deno.writeFile(path, new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1]));
 * const { labels } = await readIdxLabels(path);
 * assert.deepEqual(Array.from(labels), [7, 2, 1]);
 * ```
 */
export async function readIdxLabels(path: string): Promise<IdxLabels> {
  const parsed = parseIdx(await readIdxBytes(path), path, "labels") as IdxLabels;
  const labels = parsed.labels;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] > 9) {
      throw new UserError(`${path}: label ${labels[i]} at index ${i} is not a digit 0..9`);
    }
  }
  return parsed;
}

/**
 * Reads a matching pair of IDX image and label files into a Dataset, checking that they hold
 * the same number of items.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readIdxDataset } from "./idx.ts";
 *
 * // Two images and their two labels, as IDX files (MNIST's are the same, with 10,000 or 60,000).
 * const images = await Deno.makeTempFile({ suffix: "-images-idx3-ubyte" });
 * const header = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28];
 * await Deno.writeFile(images, new Uint8Array([...header, ...new Array(2 * 784).fill(0)]));
 * const labels = await Deno.makeTempFile({ suffix: "-labels-idx1-ubyte" });
 * await Deno.writeFile(labels, new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 7, 2]));
 * const test = await readIdxDataset(images, labels);
 * assert.equal(test.count, 2);
 * ```
 */
export async function readIdxDataset(imagesPath: string, labelsPath: string): Promise<Dataset> {
  const [images, labels] = await Promise.all([
    readIdxImages(imagesPath),
    readIdxLabels(labelsPath),
  ]);
  if (images.count !== labels.count) {
    throw new UserError(
      `${imagesPath} holds ${images.count} images but ${labelsPath} holds ${labels.count} labels; ` +
        `they must match`,
    );
  }
  return { pixels: images.pixels, labels: labels.labels, count: images.count };
}
