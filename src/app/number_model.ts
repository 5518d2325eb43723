/**
 * Reading a whole number with a loaded model, as a library user sees it: image bytes in, one
 * number per row out, each digit with its box and confidence. The same path as
 * `classify --number` (read_number.ts).
 */
import { decodeImageBytes } from "../image/mod.ts";
import type { Network } from "../network/network.ts";
import { readNumberInImage } from "./read_number.ts";

/** A number read from an image (see {@linkcode readNumber}). */
export interface NumberResult {
  /** The top row's digits ("2026"), or null when no digit was found. */
  number: string | null;
  /** One number per row of digits, top to bottom. */
  numbers: string[];
  /** Each digit, row by row, left to right. */
  digits: {
    digit: number;
    confidence: number;
    /** [x, y, width, height] in the image's pixels. */
    box: [number, number, number, number];
    /** Which row (0 = top). */
    row: number;
  }[];
  /** Why there is no number, when there is none. */
  reason?: string;
}

/**
 * Reads the digits written in a PNG or JPEG, row by row, left to right: touching digits are
 * cut where the network reads them best, marks that are not digits (an underline, a dash, a
 * comma, specks) are left out. Throws a one-line Error when the bytes are not an image.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadModel } from "./digit_model.ts";
 * import { readNumber } from "./number_model.ts";
 *
 * const model = await loadModel("models/pretrained.safetensors");
 * const ring = await Deno.readFile("src/image/testdata/ring_baseline.jpg");
 * const result = readNumber(model, ring);
 * assert.equal(result.number, "0"); // one ring: the number 0
 * assert.equal(result.digits[0].row, 0);
 * ```
 */
export function readNumber(model: { network: Network }, imageBytes: Uint8Array): NumberResult {
  const reading = readNumberInImage(decodeImageBytes(imageBytes, "image"), model.network);
  return {
    number: reading.number ?? null,
    numbers: reading.numbers,
    digits: reading.digits.map((d) => ({
      digit: d.prediction.digit,
      confidence: d.prediction.confidence,
      box: d.box,
      row: d.row,
    })),
    ...(reading.error !== undefined ? { reason: reading.error } : {}),
  };
}
