/**
 * What the Draw screen answers for the keyboard drawings of the end-to-end test
 * (tests/tui_refusal_test.ts: a smiley, an X, a house and a dash refused, the digits 0-9 read),
 * without tmux: each drawing is replayed on a canvas as the screen draws it (`replayKeys`) and
 * read as the screen reads it (`analyzeCanvas`), with the best digit's calibrated confidence
 * beside the model's threshold (and, for a model read in two parts, 1 - p(not a digit), the score
 * its threshold is on). A check of a candidate model without tmux, before the end-to-end
 * test; a drawing that fails what the test asks is marked with `!`.
 *
 * `deno run -A tests/draw_shapes_scores.ts [MODEL...]` (default: the shipped model)
 */
import { KEYBOARD_DIGITS, KEYBOARD_NOT_DIGITS, replayKeys } from "./fixtures/draw_shapes.ts";
import { analyzeCanvas } from "../src/app/canvas_analysis.ts";
import { classifyUserDigit } from "../src/app/predict.ts";
import { loadShippedNetwork } from "./fixtures/shipped.ts";
import { SHIPPED_MODEL } from "./env.ts";
import type { Network } from "../src/network/network.ts";
import { readsDigitShare } from "../src/train/refusal_rule.ts";

/** One drawing's answer: what the screen says and whether the end-to-end test would accept it. */
export interface DrawnAnswer {
  name: string;
  /** The digit the screen shows, or null when it says "Doesn't look like a digit". */
  digit: number | null;
  /** The best digit's confidence (shown or not), 0..1. */
  confidence: number;
  /** 1 - p(not a digit), for a model read in two parts (`readsDigitShare`): what is refused on. */
  digitShare?: number;
  /** What the end-to-end test asks: refused for a non-digit, read as itself for a digit. */
  asTheTestAsks: boolean;
}

/** The Draw screen's answers for every keyboard drawing, read by `network`. */
export function drawShapeAnswers(network: Network): DrawnAnswer[] {
  // [name, key path, the digit the test expects (null: refused)]
  const drawings: [string, string, number | null][] = [
    ...Object.entries(KEYBOARD_NOT_DIGITS).map(([name, keys]) => [name, keys, null]),
    ...Object.entries(KEYBOARD_DIGITS).map(([digit, keys]) => [digit, keys, Number(digit)]),
  ] as [string, string, number | null][];
  return drawings.map(([name, keys, expected]) => {
    const analysis = analyzeCanvas(replayKeys(keys), network);
    // A refused drawing has no prediction: its best digit is read again for the confidence.
    const best = analysis.prediction ?? classifyUserDigit(network, analysis.pixels);
    const digit = analysis.prediction?.digit ?? null;
    const answer: DrawnAnswer = {
      name,
      digit,
      confidence: best.confidence,
      asTheTestAsks: digit === expected,
    };
    if (readsDigitShare(network)) answer.digitShare = 1 - (best.notADigit ?? 0);
    return answer;
  });
}

if (import.meta.main) {
  const models = Deno.args.length > 0 ? Deno.args : [SHIPPED_MODEL];
  for (const model of models) {
    const network = await loadShippedNetwork(1, model);
    const threshold = network.readout.refuseBelow;
    const answers = drawShapeAnswers(network);
    const passed = answers.filter((a) => a.asTheTestAsks).length;
    console.log(
      `${model}: threshold ${threshold === null ? "none" : `${(threshold * 100).toFixed(1)}%`}, ` +
        `${passed}/${answers.length} as the test asks`,
    );
    console.log(
      "  " + answers.map((a) =>
        `${a.asTheTestAsks ? "" : "!"}${a.name} ${a.digit ?? "refused"} ` +
        `(${(a.confidence * 100).toFixed(1)}%` +
        (a.digitShare === undefined ? ")" : `, a digit ${(a.digitShare * 100).toFixed(1)}%)`)
      ).join(", "),
    );
  }
}
