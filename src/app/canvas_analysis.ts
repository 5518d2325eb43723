/**
 * What the network makes of a drawing (the Draw screen's canvas): the guess, read the way an
 * image file is (`classifyGrayImage`, or `readNumberInImage` for a wide canvas), why it
 * guesses it (saliency, the hidden units), and the saliency carried back onto the canvas.
 *
 * @module
 */
import type { GrayImage } from "../image/mod.ts";
import type { Network } from "../network/network.ts";
import { classifyGrayImage } from "./classify_image.ts";
import { type DigitExplainer, type DigitLook, unitValues } from "./inspect_model.ts";
import type { Prediction } from "./predict.ts";
import { type NumberDigit, readNumberInImage } from "./read_number.ts";

/**
 * A drawing as the analysis reads it: the Draw screen's canvas is one. `version` changes with
 * every stroke; an image wider than tall holds a number.
 */
export interface Drawing {
  readonly version: number;
  readonly blank: boolean;
  toImage(): GrayImage;
}

/** What the network made of the canvas at one `version`. */
export interface CanvasAnalysis {
  version: number;
  blank: boolean;
  /** False when the canvas has ink but normalizeDigit found no digit in it. */
  found: boolean;
  reason?: string;
  /** True when there is ink but not a digit (the model's refusal or an ink rule: `reason`). */
  notDigit?: boolean;
  /** [28 x 28] what the network saw (all zeros when nothing was found). */
  pixels: Float32Array;
  prediction?: Prediction;
  /** On the wide canvas: the number read, each digit with its box in canvas units. */
  number?: { text: string; digits: NumberDigit[] };
}

/** Why the network guesses what it guesses, for one version of the canvas. */
export interface CanvasInsight {
  version: number;
  /**
   * The guess's look (one forward and one backward pass): `look.saliency` is dz(guess) / d pixel,
   * the raw gradient in the network's 28x28 input; the attribution starts from `look.score`.
   */
  look: DigitLook;
  /**
   * [28 x 28] integrated gradients of the guess's score from a blank canvas; only once asked
   * for (`attributeInsight`): it costs 16 forward and backward passes.
   */
  attribution?: Float32Array;
  /** The watched hidden layer: its name and each unit's activation. */
  layer: string;
  units: Float32Array;
}

/**
 * The saliency and hidden activations of an analysis (undefined when there is no guess), without
 * the attribution (`attributeInsight` adds it).
 */
export function explainAnalysis(
  analysis: CanvasAnalysis,
  explainer: DigitExplainer | undefined,
): CanvasInsight | undefined {
  if (!explainer || !analysis.prediction) return undefined;
  const look = explainer.look(analysis.pixels);
  // The last hidden layer with units: the features the output layer weighs.
  const hidden = look.activations.slice(0, -1).filter((a) => /^(dense|conv)/.test(a.name));
  const watched = hidden[hidden.length - 1] ?? look.activations[look.activations.length - 1];
  return {
    version: analysis.version,
    look,
    layer: watched.name,
    units: unitValues(watched.values, watched.shape),
  };
}

/** The insight with the attribution of its guess (from its look's score: no forward pass again). */
export function attributeInsight(insight: CanvasInsight, explainer: DigitExplainer): CanvasInsight {
  if (insight.attribution) return insight;
  // 16 fixed steps: within about 1% of the score's change, and quick once the pen stops
  return {
    ...insight,
    attribution: explainer.attribution(insight.look, { steps: 16, maxSteps: 16 }),
  };
}

/**
 * Normalizes a drawing like an image file and asks the network (`classifyGrayImage`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { grayImage } from "../image/mod.ts";
 * import { Network } from "../network/mod.ts";
 * import { analyzeCanvas } from "./canvas_analysis.ts";
 *
 * const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, { seed: 1 });
 * const ink = new Float32Array(112 * 112); // a 112 x 112 drawing, blank
 * const drawing = { version: 0, blank: true, toImage: () => grayImage(112, 112, ink) };
 * assert.equal(analyzeCanvas(drawing, network).blank, true);
 * for (let y = 20; y < 92; y++) ink.fill(1, y * 112 + 52, y * 112 + 60); // one stroke down
 * const stroked = { ...drawing, version: 1, blank: false };
 * assert.equal(analyzeCanvas(stroked, network).prediction?.probabilities.length, 10);
 * ```
 */
export function analyzeCanvas(canvas: Drawing, network: Network): CanvasAnalysis {
  const version = canvas.version;
  if (canvas.blank) {
    return { version, blank: true, found: false, pixels: new Float32Array(28 * 28) };
  }
  const image = canvas.toImage();
  if (image.width > image.height) {
    // The wide canvas holds a number: read like `classify --number`.
    const reading = readNumberInImage(image, network);
    return {
      version,
      blank: false,
      found: reading.number !== undefined,
      reason: reading.error,
      pixels: reading.digits[0]?.normalized ?? new Float32Array(28 * 28),
      ...(reading.number !== undefined
        ? { number: { text: reading.numbers.join(" / "), digits: reading.digits } }
        : {}),
    };
  }
  const guess = classifyGrayImage(image, network);
  return {
    version,
    blank: false,
    found: guess.found,
    reason: guess.reason,
    ...(guess.notDigit ? { notDigit: true } : {}),
    pixels: guess.normalized,
    prediction: guess.prediction,
  };
}

/**
 * The saliency (in the network's 28x28 input) carried back onto the canvas's `side` x `side`
 * display pixels: the normalized digit is the canvas's ink scaled and shifted, so each
 * canvas pixel maps through the two ink bounding boxes to a pixel of the input (stroke-width
 * normalizing makes that approximate by a pixel or so). Zero off the digit's box.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { saliencyOnCanvas } from "./canvas_analysis.ts";
 *
 * // ink in canvas pixels 2..3 of a 4-wide canvas row; in input pixels 10..17 of 28
 * const canvas = new Float32Array(16);
 * canvas.set([1, 1], 2);
 * const input = new Float32Array(784);
 * input.fill(1, 10, 18);
 * const saliency = new Float32Array(784);
 * saliency[12] = 5; // under the middle of canvas pixel 2 (input pixels 10..13)
 * const mapped = saliencyOnCanvas(canvas, 4, input, saliency);
 * assert.equal(mapped[2], 5);
 * assert.equal(mapped[0], 0);
 * ```
 */
export function saliencyOnCanvas(
  canvas: Float32Array,
  side: number,
  input: Float32Array,
  saliency: Float32Array,
): Float32Array {
  const out = new Float32Array(side * side);
  const from = inkBox(canvas, side);
  const to = inkBox(input, 28);
  if (!from || !to) return out;
  const sx = (to.x1 - to.x0 + 1) / (from.x1 - from.x0 + 1);
  const sy = (to.y1 - to.y0 + 1) / (from.y1 - from.y0 + 1);
  for (let y = 0; y < side; y++) {
    const v = Math.floor(to.y0 + (y - from.y0 + 0.5) * sy);
    if (v < 0 || v >= 28) continue;
    for (let x = 0; x < side; x++) {
      const u = Math.floor(to.x0 + (x - from.x0 + 0.5) * sx);
      if (u >= 0 && u < 28) out[y * side + x] = saliency[v * 28 + u];
    }
  }
  return out;
}

/** The bounding box of the pixels brighter than 0.1, or undefined when there are none. */
function inkBox(pixels: Float32Array, width: number) {
  let x0 = Infinity, x1 = -1, y0 = Infinity, y1 = -1;
  for (let i = 0; i < pixels.length; i++) {
    if (pixels[i] <= 0.1) continue;
    const x = i % width, y = Math.floor(i / width);
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  return x1 < 0 ? undefined : { x0, x1, y0, y1 };
}
