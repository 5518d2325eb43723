/**
 * Inspect's Health page: per layer the weights' histogram, the units that never fire, how
 * strongly the loss pulls on it, and one sentence on what to worry about.
 *
 * @module
 */
import { healthSentence } from "../../app/inspect_model.ts";
import { type ColorLevel, paint } from "../../text/color.ts";
import { histogramLine } from "../../text/histogram_line.ts";
import { fitWidth, truncate, wrapText } from "../../text/layout.ts";
import { explainLines, type InspectView, type Measurements } from "./inspect_state.ts";

export function renderHealthPage(
  m: Measurements,
  view: InspectView,
  width: number,
  height: number,
  color: ColorLevel,
): string[] {
  const c = paint(color);
  const trained = view.training;
  const lines = [
    ...explainLines(
      "Per layer: the weights' histogram (a bell around 0 is normal), units that never fire on 1,000 test digits (dead: they cannot learn), and how strongly the loss still pulls on it (gradient norm).",
      width,
      color,
      4, // the page has room: the gradient norm's meaning is the end of it
    ),
    "",
  ];
  const nameWidth = Math.max(...m.layers.map((l) => l.name.length));
  for (const layer of m.layers) {
    if (layer.histogram === null && layer.units === null) continue;
    const grad = m.gradients.find((g) => g.layer === layer.index);
    const fromTraining = trained?.layers.find((g) => g.layer === layer.index);
    const dead = layer.deadFraction === null
      ? ""
      : (layer.deadFraction >= 0.1 ? c.red : (s: string) => s)(
        `${layer.deadUnits!.length}/${layer.units} dead`,
      );
    const histogram = layer.histogram
      ? histogramLine(layer.histogram, {
        color,
        min: layer.min!,
        max: layer.max!,
        format: (v) => v.toFixed(2),
      })
      : "";
    const parts = [
      c.bold(fitWidth(layer.name, nameWidth)),
      histogram,
      dead,
      grad ? c.dim(`grad ${grad.gradientNorm.toPrecision(2)}`) : "",
      fromTraining && Number.isFinite(fromTraining.updateRatio)
        ? c.dim(`update/weight ${fromTraining.updateRatio.toExponential(1)}`)
        : "",
    ].filter((p) => p !== "");
    lines.push(truncate(parts.join("  "), width, "…"));
  }
  lines.push("");
  const sentence = healthSentence(m.layers);
  const worry = !sentence.startsWith("Nothing");
  lines.push(...wrapText(sentence, width).map((l) => (worry ? c.yellow.bold(l) : c.green(l))));
  lines.push(
    "",
    ...wrapText(
      trained
        ? `Gradient norms: now, on 256 test digits; update/weight: the last training of ${trained.model} in this session (about 1e-3 while it learns fast, smaller as the learning rate decays).`
        : "Gradient norms: now, on 256 test digits. Train in this session to see how much each update moves each layer (update/weight).",
      width,
    ).map((l) => c.dim(l)),
  );
  return lines.slice(0, height);
}
