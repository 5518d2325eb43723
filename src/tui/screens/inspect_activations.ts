/**
 * Inspect's Activations page: a digit, which of its pixels made the network say what it said
 * (saliency), and each layer's activations as a heat strip with its strongest units.
 *
 * @module
 */
import { unitValues } from "../../app/inspect_model.ts";
import { renderBlockArt } from "../../text/block_art.ts";
import { type ColorLevel, paint } from "../../text/color.ts";
import { percent } from "../../text/format.ts";
import { renderHeatStrip, strongestUnits } from "../../text/heat_strip.ts";
import { fitWidth, joinColumns, truncate } from "../../text/layout.ts";
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
  const right = digit.label === undefined
    ? ""
    : digit.label === guess
    ? " ✓"
    : ` ✗ (it is a ${digit.label})`;
  const saliencyWord = color === "none"
    ? "+ where more ink raises it, - where it lowers it"
    : "orange where more ink raises it, blue where it lowers it";
  const left = [
    ...(width >= 110
      ? joinColumns([
        renderBlockArt(digit.pixels, { color }),
        renderSaliencyOverlay(digit.pixels, report.saliency, { color }),
      ], 2)
      : renderSaliencyOverlay(digit.pixels, report.saliency, { color })),
  ];
  const leftWidth = width >= 110 ? 58 : 28;
  left.push(
    fitWidth(
      width >= 110 ? fitWidth("the digit", 30) + `saliency of ${guess}` : `saliency of ${guess}`,
      leftWidth,
    ),
  );
  const stripWidth = Math.max(10, width - leftWidth - 3 - 1);
  const strips: string[] = [
    c.bold(
      truncate(
        `${digit.caption}: the network says ${guess} (${percent(confidence, 1)})${right}`,
        stripWidth,
        "…",
      ),
    ),
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
    const strongest = last
      ? `by probability: ${strongestUnits(units, 3).replaceAll("#", "")}`
      : `strongest: ${strongestUnits(units, 3)}`;
    strips.push(c.dim(truncate(`${" ".repeat(nameWidth)} ${strongest}`, stripWidth, "…")));
    if (perLayer === 3) strips.push("");
  }
  return [
    ...explainLines(
      `Left: which pixels made it say ${guess} (${saliencyWord}). Right: each layer, one cell per unit, brighter = fires harder.`,
      width,
      color,
    ),
    "",
    ...joinColumns([left, strips], 3),
  ];
}
