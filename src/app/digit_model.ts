/**
 * A trained model as a library user sees it: load it once, hand it image bytes or 784 pixels,
 * get a digit back. What the project's `mod.ts` offers as `loadModel`; the same decode,
 * normalizing and prediction as the `classify` command (classify_image.ts), so a program that
 * imports the library reads a file exactly as the command line does.
 */
import { UserError } from "../errors.ts";
import { decodeImageBytes } from "../image/mod.ts";
import type { LayerSummary, Network } from "../network/network.ts";
import type { DataSource } from "../data/dataset.ts";
import { describeArchitecture } from "../train/architecture.ts";
import type { EpochRecord } from "../train/checkpoint.ts";
import { classifyGrayImage } from "./classify_image.ts";
import { loadModelOrRandom } from "./load_model.ts";
import { classifyPixels } from "./predict.ts";

/** What a model made of one image or one 28x28 digit. */
export interface DigitResult {
  /** The most likely digit 0..9; null when the image holds no digit (see `reason`). */
  digit: number | null;
  /** The digit's probability, 0..1 (0 when `digit` is null). */
  confidence: number;
  /** [10] softmax probabilities, one per digit; empty when `digit` is null. */
  probabilities: number[];
  /**
   * Why there is no digit ("no digit found": a blank page, a speck; "does not look like a
   * digit ...": ink the model does not take for any digit); only when `digit` is null.
   */
  reason?: string;
}

/** What a model file says about itself: what `info` prints, in a few fields. */
export interface DigitModelInfo {
  /** The file it was loaded from. */
  path: string;
  /** The network in one line, e.g. `784-256-10 relu` or `cnn: conv5x32,... relu`. */
  architecture: string;
  /** Each layer with its output shape and parameter count (like Keras's `summary()`). */
  layers: LayerSummary[];
  /** Weights and biases in all. */
  parameters: number;
  /** Test accuracy after its last epoch, 0..1; null when never measured. */
  testAccuracy: number | null;
  /** Epochs trained. */
  epochs: number;
  /** What it was trained on ("mnist" or the offline "sample"); null when unknown. */
  dataSource: DataSource | null;
  /** The command line that trained it (how to make it again). */
  command: string;
  /** Loss and accuracies after each epoch. */
  history: EpochRecord[];
}

/** A loaded model, ready to classify (see {@linkcode loadModel}). */
export interface DigitModel {
  /**
   * The digit in a PNG or JPEG image (its bytes), after MNIST-style normalizing. Throws an
   * Error saying what is wrong when the bytes are not a readable PNG or JPEG.
   */
  classify(imageBytes: Uint8Array): DigitResult;
  /** The digit in 784 values (28x28 row-major, 0..1, white ink on black, like MNIST). */
  classifyPixels(pixels: Float32Array): DigitResult;
  /** What the model file says about itself. */
  info: DigitModelInfo;
  /** The network itself, for those who want the parts. */
  network: Network;
}

/**
 * Loads a model: the file at `path`, else the user's own `models/default.safetensors` (from the
 * current folder), else the model shipped with the project. Throws a one-line Error when the
 * file is missing or is not a model file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadModel } from "./digit_model.ts";
 *
 * const model = await loadModel("models/pretrained.safetensors");
 * const ring = await Deno.readFile("src/image/testdata/ring_baseline.jpg");
 * const result = model.classify(ring);
 * assert.equal(result.digit, 0); // a drawn ring reads as a zero
 * assert.ok(model.info.testAccuracy! > 0.99);
 * ```
 */
export async function loadModel(path?: string): Promise<DigitModel> {
  const loaded = await loadModelOrRandom(path, 1);
  if (loaded.random || !loaded.info || loaded.path === undefined) {
    throw new UserError(
      `${loaded.randomReason ?? "no model"}; train one with: deno task start train`,
    );
  }
  const { network, info } = loaded;
  const predict = (pixels: Float32Array): DigitResult => {
    const prediction = classifyPixels(network, pixels);
    return {
      digit: prediction.digit,
      confidence: prediction.confidence,
      probabilities: [...prediction.probabilities],
    };
  };
  return {
    classify(imageBytes) {
      const guess = classifyGrayImage(decodeImageBytes(imageBytes, "image"), network);
      if (!guess.prediction) {
        return { digit: null, confidence: 0, probabilities: [], reason: guess.reason };
      }
      // The very answer `classify` gives for the file (a CNN's views averaged, calibrated).
      const { digit, confidence, probabilities } = guess.prediction;
      return { digit, confidence, probabilities: [...probabilities] };
    },
    classifyPixels(pixels) {
      if (pixels.length !== 784) {
        throw new UserError(`expected 784 pixels (28x28), got ${pixels.length}`);
      }
      return predict(pixels);
    },
    info: {
      path: loaded.path,
      architecture: describeArchitecture(info),
      layers: network.summary(),
      parameters: network.parameterCount,
      testAccuracy: info.testAccuracy,
      epochs: info.position.epochsDone,
      dataSource: info.dataSource,
      command: info.command,
      history: info.history,
    },
    network,
  };
}
