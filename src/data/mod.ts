/**
 * The data module: MNIST datasets as bytes, from the canonical IDX files or the offline sample.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { IMAGE_PIXELS, loadMnist } from "./mod.ts";
 *
 * // loadMnist() reads $MNIST_DIR, else ./data; the offline sample needs no download.
 * const data = await loadMnist({ sample: true });
 * const first = data.test.pixels.subarray(0, IMAGE_PIXELS); // bytes 0..255, ink bright
 * assert.equal(first.length, 784);
 * assert.ok(data.test.labels[0] <= 9);
 * ```
 * @module
 */
export {
  type Dataset,
  type DataSource,
  IMAGE_PIXELS,
  IMAGE_SIDE,
  type MnistData,
} from "./dataset.ts";
export {
  gunzipCapped,
  IDX_IMAGES_MAGIC,
  IDX_LABELS_MAGIC,
  type IdxImages,
  type IdxKind,
  type IdxLabels,
  isGzip,
  MAX_IDX_BYTES,
  parseIdx,
  readIdxBytes,
  readIdxDataset,
  readIdxImages,
  readIdxLabels,
} from "./idx.ts";
export {
  type DataDirLookup,
  type DataDirStatus,
  DEFAULT_DATA_DIR,
  findMnistFile,
  MNIST_FILES,
  type MnistFileName,
  resolveDataDir,
} from "./locate.ts";
export { loadSampleData } from "./sample.ts";
export { loadMnist, type LoadOptions } from "./load.ts";
export {
  DEFAULT_STALL_TIMEOUT_MS,
  type FetchEvent,
  fetchMnist,
  type FetchOptions,
  MNIST_GZ_BYTES,
  MNIST_MIRRORS,
  MNIST_SHA256,
  sha256Hex,
} from "./fetch.ts";
export { formatFetchEvent } from "./fetch_events.ts";
