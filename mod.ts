/**
 * digits as a library: a from-scratch neural network that reads handwritten digits, and the
 * parts it is made of.
 *
 * Most programs need one call: {@linkcode loadModel} loads a trained model (the file you name,
 * else your own `models/default.safetensors`, else the model shipped with the project) and
 * classifies PNG or JPEG bytes, or 784 pixels, the same way the `classify` command does.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadModel } from "./mod.ts";
 *
 * // No argument: your models/default.safetensors, else the shipped model (named here).
 * const model = await loadModel("models/pretrained.safetensors");
 * const result = model.classify(await Deno.readFile("src/image/testdata/ring_baseline.jpg"));
 * assert.equal(result.digit, 0);
 * assert.ok(result.confidence > 0.5);
 * ```
 *
 * Reading a whole number (several digits in one image) does not exist yet: there is no
 * `readNumber` until it does.
 *
 * The parts, for people who want them: {@linkcode normalizeDigit} (any photo or drawing to an
 * MNIST-style 28x28), {@linkcode Network} (the typed-array network: forward, backward,
 * optimizer steps), a training session that reports its progress as events
 * ({@linkcode prepareTrainingSession}, {@linkcode runTrainingSession}), the MNIST data
 * ({@linkcode loadMnist}, {@linkcode readIdx}) and the training configuration-file reader ({@linkcode readTrainConfig}).
 *
 * @module
 */
import { parseIdx, readIdxBytes } from "./src/data/idx.ts";
import type { IdxImages, IdxLabels } from "./src/data/idx.ts";

export {
  type DigitModel,
  type DigitModelInfo,
  type DigitResult,
  loadModel,
} from "./src/app/digit_model.ts";

export {
  decodeImageBytes,
  decodeImageFile,
  type GrayImage,
  grayImage,
  type NormalizedDigit,
  normalizeDigit,
  type NormalizeOptions,
} from "./src/image/mod.ts";

export {
  type Activation,
  type Architecture,
  type BatchResult,
  type ConvGeometry,
  type ConvSpec,
  type DenseSpec,
  type HalfJob,
  JobKind,
  type Kernels,
  type LayeredArchitecture,
  type LayerSpec,
  type LayerSummary,
  Network,
  type NetworkOptions,
  type OptimizerKind,
  type OptimizerSettings,
  type Parameter,
  parseLayerSpec,
  type RowFiller,
  type ScheduleKind,
  type SecondThread,
  type Shape,
} from "./src/network/mod.ts";

export {
  type EpochRecord,
  type NetworkModel,
  type NetworkModelInfo,
  prepareTrainingSession,
  readTrainConfig,
  runTrainingSession,
  type SessionHooks,
  type SessionOutcome,
  type TrainEvent,
  type TrainingPlan,
  type TrainingPosition,
  type TrainingSession,
  type TrainRequest,
  type TrainValues,
} from "./src/train/mod.ts";

export {
  type Dataset,
  type DataSource,
  type IdxImages,
  type IdxLabels,
  loadMnist,
  type LoadOptions,
  loadSampleData,
  type MnistData,
  readIdxDataset,
} from "./src/data/mod.ts";

/**
 * Reads an IDX file, the format MNIST is published in (gzip-compressed or not): images
 * ([count x 784] bytes, ink bright) or labels, whichever its magic number says. Problems are
 * one-line Errors that name the file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readIdx } from "./mod.ts";
 *
 * // An IDX label file as MNIST publishes them (here 3 labels: magic 2049, count, the labels).
 * const path = await Deno.makeTempFile({ suffix: "-labels-idx1-ubyte" });
 * await Deno.writeFile(path, new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1]));
 * const labels = await readIdx(path);
 * assert.equal(labels.kind, "labels");
 * assert.equal(labels.count, 3);
 * ```
 */
export async function readIdx(path: string): Promise<IdxImages | IdxLabels> {
  return parseIdx(await readIdxBytes(path), path);
}
