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
 * A whole number (several digits in a row, or several rows) is read with
 * {@linkcode readNumber}:
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadModel, readNumber } from "./mod.ts";
 *
 * const model = await loadModel("models/pretrained.safetensors");
 * const result = readNumber(model, await Deno.readFile("src/image/testdata/ring_baseline.jpg"));
 * assert.equal(result.number, "0");
 * ```
 *
 * The parts, for people who want them: {@linkcode normalizeDigit} (any photo or drawing to an
 * MNIST-style 28x28), {@linkcode Network} (the typed-array network: forward, backward,
 * optimizer steps), training that reports its progress as events ({@linkcode trainModel}) and
 * the MNIST data ({@linkcode loadMnist}). The rest (threads, kernels, file formats, the
 * configuration files, the front ends) stays inside `src/`.
 *
 * @module
 */
import type { MnistData } from "./src/data/mod.ts";
import {
  prepareTrainingSession,
  runTrainingSession,
  type SessionHooks,
  type SessionOutcome,
  type TrainRequest,
} from "./src/train/mod.ts";

export {
  type DigitModel,
  type DigitModelInfo,
  type DigitResult,
  loadModel,
} from "./src/app/digit_model.ts";
export { type NumberResult, readNumber } from "./src/app/number_model.ts";

export {
  type GrayImage,
  type NormalizedDigit,
  normalizeDigit,
  type NormalizeOptions,
} from "./src/image/mod.ts";

export {
  type Activation,
  type Architecture,
  type BatchResult,
  type ConvSpec,
  type DenseSpec,
  type LayeredArchitecture,
  type LayerSpec,
  type LayerSummary,
  Network,
  type NetworkOptions,
  type OptimizerKind,
  type OptimizerSettings,
  type Parameter,
  parseLayerSpec,
  type Readout,
  type ScheduleKind,
  type Shape,
} from "./src/network/mod.ts";

export {
  type EpochRecord,
  type SessionHooks,
  type SessionOutcome,
  type TrainEvent,
  type TrainingPosition,
  type TrainRequest,
  type TrainValues,
} from "./src/train/mod.ts";

export {
  type Dataset,
  type DataSource,
  loadMnist,
  type LoadOptions,
  type MnistData,
} from "./src/data/mod.ts";

/**
 * Trains the network of `request.modelPath` on `data` as the `train` command does: resumes the
 * model file when it exists (`fresh` starts anew), saves it after every epoch, reports every
 * batch and epoch to `hooks.onEvent`, and stops early when `hooks.shouldStop()` says so.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadMnist, trainModel } from "./mod.ts";
 *
 * const data = await loadMnist({ sample: true }); // the offline sample: no download
 * const modelPath = `${await Deno.makeTempDir()}/tiny.safetensors`;
 * const epochs: number[] = [];
 * const outcome = await trainModel({ modelPath, hidden: [16], epochs: 1, limit: 500 }, data, {
 *   shouldStop: () => false,
 *   onEvent: (event) => void (event.type === "epoch-end" && epochs.push(event.testAccuracy)),
 * });
 * assert.equal(outcome.status, "completed");
 * assert.equal(epochs.length, 1);
 * ```
 */
export async function trainModel(
  request: TrainRequest,
  data: MnistData,
  hooks: SessionHooks,
): Promise<SessionOutcome> {
  const session = await prepareTrainingSession(request, data);
  return await runTrainingSession(session, data, hooks);
}
