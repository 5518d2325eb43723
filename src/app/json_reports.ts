/**
 * The JSON a script reads: one classified image (what `classify --json` prints per file and
 * `POST /classify` answers) and a model's description (`info --json`, `GET /model`). Written
 * once so the command line and the server cannot drift apart.
 */
import type { ImageClassification } from "./classify_image.ts";
import type { LoadedModel } from "./load_model.ts";

/** One image's result: the guess with rounded probabilities, or why there is none. */
export type ClassificationJson =
  | {
    file: string;
    digit: number;
    confidence: number;
    probabilities: number[];
    /** The "not a digit" output's probability, for a model that has one. */
    notADigit?: number;
    label?: number;
  }
  | { file: string; digit: null; reason: string; label?: number }
  | { file: string; error: string };

/**
 * One image's result as JSON: `{file, digit, confidence, probabilities, label?}` (numbers to
 * six decimals) or `{file, error}`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { classificationJson } from "./json_reports.ts";
 *
 * assert.deepEqual(classificationJson({ file: "a.png", error: "no digit found" }), {
 *   file: "a.png",
 *   error: "no digit found",
 * });
 * const probabilities = new Float32Array(10).fill(0.01);
 * probabilities[7] = 0.91;
 * const guess = { probabilities, digit: 7, confidence: 0.91, runnerUp: 0 };
 * const json = classificationJson({ file: "seven_label7.png", label: 7, prediction: guess });
 * assert.deepEqual(json, {
 *   file: "seven_label7.png",
 *   digit: 7,
 *   confidence: 0.91,
 *   probabilities: [0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.91, 0.01, 0.01],
 *   label: 7,
 * });
 * ```
 */
export function classificationJson(result: ImageClassification): ClassificationJson {
  const { file, prediction, label } = result;
  if (!prediction && result.notDigit !== undefined) {
    return {
      file,
      digit: null,
      reason: result.notDigit,
      ...(label !== undefined ? { label } : {}),
    };
  }
  if (!prediction) return { file, error: result.error ?? "no digit found" };
  return {
    file,
    digit: prediction.digit,
    confidence: round(prediction.confidence),
    probabilities: [...prediction.probabilities].map((p) => round(p)),
    ...(prediction.notADigit !== undefined ? { notADigit: round(prediction.notADigit) } : {}),
    ...(label !== undefined ? { label } : {}),
  };
}

/**
 * A loaded model file described as JSON: its path, parameter count, layer summary and every
 * field of its metadata (architecture, optimizer, plan, history, command, dates).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadModelOrRandom } from "./load_model.ts";
 * import { modelInfoJson } from "./json_reports.ts";
 *
 * const loaded = await loadModelOrRandom("models/pretrained.safetensors", 1);
 * const json = modelInfoJson(loaded);
 * assert.equal(json.model, "models/pretrained.safetensors");
 * assert.equal(json.summary.at(-1)?.layer, "dense11 softmax"); // ten digits and "not a digit"
 * ```
 */
export function modelInfoJson(loaded: LoadedModel) {
  return {
    model: loaded.path,
    parameters: loaded.network.parameterCount,
    summary: loaded.network.summary(),
    ...loaded.info,
  };
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
