/**
 * Inspect's Activations page: a digit, which of its pixels made the network say what it said
 * (the attribution, integrated gradients; or the raw gradient, `r`), and each layer's
 * activations as a heat strip with its strongest units.
 *
 * @module
 */
import { outputName, unitValues } from "../../app/inspect_model.ts";
import { enlarge } from "../../image/mod.ts";
import { renderBlockArt } from "../../text/block_art.ts";
import { type ColorLevel, paint } from "../../text/color.ts";
import { percent } from "../../text/format.ts";
import { renderHeatStrip, strongestUnits } from "../../text/heat_strip.ts";
import { fitWidth, joinColumns, truncate, wrapText } from "../../text/layout.ts";
import { renderSaliencyOverlay } from "../../text/saliency_overlay.ts";
import {
  digitOf,
  explainingLines,
  explainLines,
  type InspectState,
  type InspectView,
  type Measurements,
} from "./inspect_state.ts";

export function renderActivationsPage(
  state: InspectState,
  m: Measurements,
  view: InspectView,
  width: number,
  height: number,
  color: ColorLevel,
): string[] {
  const c = paint(color);
  const digit = digitOf(state, m, view);
  const report = view.explain(digit.key);
  if (!report) return explainingLines(digit.caption);
  const { digit: guess, confidence } = report.prediction;
  // The caption says what a test digit is ("test digit #3, a 0"): the mark says if the guess is.
  // A no-break space: wrapping never leaves the mark alone on a line.
  const right = digit.label === undefined ? "" : digit.label === guess ? "\u00a0✓" : "\u00a0✗";
  // By default the attribution (integrated gradients: which ink made the guess, adding up to
  // its score); `r` shows the raw gradient (where more ink would change the answer).
  const gradient = state.showGradient === true;
  const map = gradient ? report.saliency : report.attribution;
  const [forWord, againstWord] = color === "none" ? ["+", "-"] : ["orange", "blue"];
  const legend = gradient
    ? `${forWord} where more ink would make it ${guess}, ${againstWord} where less likely`
    : `${forWord} ink that speaks for ${guess}, ${againstWord} ink against it`;
  const mapName = gradient ? "where ink would change it" : `what made it say ${guess}`;
  const explanation = explainLines(
    `Left: ${gradient ? "the raw gradient" : "the attribution"} (${legend}; r: ${
      gradient ? "the attribution" : "the raw gradient"
    }). Right: each layer, one cell per unit, brighter = fires harder.`,
    width,
    color,
  );
  // The digit beside its map from 110 columns on, each as large as the room allows.
  const both = width >= 110;
  const scale = digitScale(both ? 2 : 1, width, height - explanation.length - 1);
  const side = 28 * scale;
  const pixels = enlarge(digit.pixels, 28, scale);
  const overlay = renderSaliencyOverlay(pixels, enlarge(map, 28, scale), { color, width: side });
  const left = both
    ? joinColumns([renderBlockArt(pixels, { color, width: side }), overlay], PICTURE_GAP)
    : overlay;
  const leftWidth = both ? 2 * side + PICTURE_GAP : side;
  left.push(
    fitWidth(both ? fitWidth("the digit", side + PICTURE_GAP) + mapName : mapName, leftWidth),
  );
  const stripWidth = Math.max(10, width - leftWidth - 3 - 1);
  // Wrapped, not cut: at 80 columns the verdict's ✓/✗ is the end of the second line.
  const strips: string[] = [
    ...wrapText(
      `${digit.caption}: the network says ${guess} (${percent(confidence, 1)})${right}`,
      stripWidth,
    ).map((line) => c.bold(line)),
    "",
  ];
  const layers = report.activations.filter((a) => !/^(pool|dropout|flatten)/.test(a.name));
  const nameWidth = Math.max(...layers.map((l) => l.name.length));
  const perLayer = layers.length * 3 + 2 <= height - 2 ? 3 : 2;
  for (const layer of layers) {
    const units = unitValues(layer.values, layer.shape);
    const last = layer === layers[layers.length - 1];
    const strip = renderHeatStrip(units, { width: Math.max(8, stripWidth - nameWidth - 1), color });
    strips.push(`${fitWidth(layer.name, nameWidth)} ${strip}`);
    // The three strongest units, or as many as fit whole (a unit cut in half says nothing).
    let strongest = "";
    for (let k = 3; k >= 1; k--) {
      strongest = last
        ? `by probability: ${strongestUnits(units, k, outputName)}`
        : `strongest: ${strongestUnits(units, k)}`;
      if (nameWidth + 1 + strongest.length <= stripWidth) break;
    }
    strips.push(c.dim(truncate(`${" ".repeat(nameWidth)} ${strongest}`, stripWidth, "…")));
    if (perLayer === 3) strips.push("");
  }
  return [...explanation, "", ...joinColumns([left, strips], 3)];
}

// Columns between the digit and its map; columns the layers' strips keep beside them.
const PICTURE_GAP = 2;
const STRIPS_MIN_WIDTH = 40;

/**
 * How many times larger than 28x28 the digit is drawn: the largest whole factor (pixels stay
 * square and crisp) at which `pictures` of it, their caption and the strips fit in the room.
 */
function digitScale(pictures: number, width: number, rows: number): number {
  const fits = (k: number) =>
    pictures * 28 * k + (pictures - 1) * PICTURE_GAP + 3 + STRIPS_MIN_WIDTH <= width &&
    14 * k + 1 <= rows;
  let scale = 1;
  while (fits(scale + 1)) scale++;
  return scale;
}
