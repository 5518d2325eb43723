/**
 * How the screens show a guess: the big digit and the caption colored by how sure the network
 * is. The guess itself and its wording live in src/app/predict.ts (the `classify` command uses
 * them too).
 */
import { confidenceCaption, type Prediction, sureness } from "../../app/predict.ts";
import type { BigDigitOptions } from "../../text/big_digit.ts";
import { type ColorLevel, paint } from "../../text/color.ts";
import { percent } from "../../text/format.ts";
import { wrapText } from "../../text/layout.ts";

/**
 * The big digit's ink for a guess: green when sure, yellow when probably, red when not sure.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { guessTint } from "./guess_caption.ts";
 *
 * const probabilities = Float32Array.from([0, 0, 0, 0, 0, 0, 0, 0.98, 0.02, 0]);
 * assert.equal(guessTint({ probabilities, digit: 7, confidence: 0.98, runnerUp: 8 }), "greenBright");
 * ```
 */
export function guessTint(prediction: Prediction): NonNullable<BigDigitOptions["tint"]> {
  const sure = sureness(prediction.confidence);
  return sure === "sure" ? "greenBright" : sure === "probably" ? "yellowBright" : "redBright";
}

/**
 * The caption of a guess ("It's a 7 (98.2%)") wrapped to `width`, each line bold and in the
 * color of {@linkcode guessTint}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { captionLines } from "./guess_caption.ts";
 *
 * const probabilities = Float32Array.from([0, 0.38, 0, 0, 0, 0, 0, 0.45, 0.17, 0]);
 * const guess = { probabilities, digit: 7, confidence: 0.45, runnerUp: 1 };
 * assert.deepEqual(captionLines(guess, 80, "none"), ["Not sure: 7 (45.0%) or 1 (38.0%)"]);
 * assert.deepEqual(captionLines(guess, 20, "none"), ["Not sure: 7 (45.0%)", "or 1 (38.0%)"]);
 * ```
 */
export function captionLines(prediction: Prediction, width: number, color: ColorLevel): string[] {
  const c = paint(color);
  const sure = sureness(prediction.confidence);
  const style = sure === "sure" ? c.green.bold : sure === "probably" ? c.yellow.bold : c.red.bold;
  return wrapText(confidenceCaption(prediction), width).map((line) => style(line));
}

/**
 * For a model with the not-a-digit output, how much the ink looks like a digit at all
 * (1 - p(not a digit)), as a dim line wrapped to `width`; none for other models. "Not sure: 0
 * or 5" on a doodle reads differently beside "Looks like a digit: 37%". Screens show it under
 * the caption where it fits.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { digitShareLines } from "./guess_caption.ts";
 *
 * const probabilities = Float32Array.from([0, 0.38, 0, 0, 0, 0, 0, 0.45, 0.17, 0]);
 * const guess = { probabilities, digit: 7, confidence: 0.45, runnerUp: 1 };
 * assert.deepEqual(digitShareLines(guess, 80, "none"), []);
 * assert.deepEqual(digitShareLines({ ...guess, notADigit: 0.63 }, 80, "none"), [
 *   "Looks like a digit: 37%",
 * ]);
 * ```
 */
export function digitShareLines(
  prediction: Prediction,
  width: number,
  color: ColorLevel,
): string[] {
  if (prediction.notADigit === undefined) return [];
  const line = `Looks like a digit: ${percent(1 - prediction.notADigit, 0)}`;
  const c = paint(color);
  return wrapText(line, width).map((text) => c.dim(text));
}
