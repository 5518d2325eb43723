/**
 * `inspect`: look inside a model. Without a digit: every layer with its shape, parameters,
 * weight statistics and histogram, and the share of its units that never fire on the first
 * 1,000 test digits. With `--digit N` or `--image FILE`: that digit as the network saw it,
 * each layer's activations as a heat strip with its strongest units, and the saliency map of
 * the guess drawn over the digit.
 */
import { classifyImage } from "../../app/classify_image.ts";
import {
  DEAD_UNIT_DIGITS,
  DigitExplainer,
  digitPixels,
  type DigitReport,
  healthSentence,
  type LayerReport,
  layerReports,
  outputName,
  unitValues,
} from "../../app/inspect_model.ts";
import { describeModel, loadModelOrRandom } from "../../app/load_model.ts";
import { loadMnist } from "../../data/mod.ts";
import type { MnistData } from "../../data/dataset.ts";
import { UserError } from "../../errors.ts";
import { renderBlockArt, sideBySide } from "../../text/block_art.ts";
import { paint } from "../../text/color.ts";
import { count, percent } from "../../text/format.ts";
import { renderHeatStrip, strongestUnits } from "../../text/heat_strip.ts";
import { histogramLine } from "../../text/histogram_line.ts";
import { fitWidth } from "../../text/layout.ts";
import { renderSaliencyOverlay } from "../../text/saliency_overlay.ts";
import type { CommandIo } from "../io.ts";

/** The flags of `inspect`. */
export interface InspectFlags {
  model?: string;
  digit?: number;
  set?: "train" | "test";
  image?: string;
  dataDir?: string;
  sample?: boolean;
  json?: boolean;
}

/** Runs `inspect`; returns the exit status. */
export async function inspectCommand(flags: InspectFlags, io: CommandIo): Promise<number> {
  if (flags.digit !== undefined && flags.image !== undefined) {
    throw new UserError("give --digit N or --image FILE, not both", 2);
  }
  const loaded = await loadModelOrRandom(flags.model, 250);
  const network = loaded.network;
  const c = paint(io.color);
  let data: MnistData | undefined;
  // A user's image needs no data set; everything else measures on the test digits.
  if (flags.image === undefined) {
    data = await loadMnist({ dataDir: flags.dataDir, sample: flags.sample });
  }
  const layers = data ? layerReports(network, data.test) : layerReports(network);

  let digit: { report: DigitReport; source: Record<string, unknown>; caption: string } | undefined;
  if (flags.digit !== undefined || flags.image !== undefined) {
    const explainer = new DigitExplainer(network);
    if (flags.image !== undefined) {
      const result = await classifyImage(flags.image, network);
      if (!result.normalized || result.error) {
        throw new UserError(`${flags.image}: ${result.error ?? "no digit found"}`);
      }
      digit = {
        report: explainer.digit(result.normalized),
        source: { image: flags.image },
        caption: flags.image,
      };
    } else {
      const set = flags.set ?? "test";
      const dataset = set === "train" ? data!.train : data!.test;
      const index = flags.digit!;
      if (index >= dataset.count) {
        throw new UserError(
          `--digit ${index} is past the end of the ${set} set (${dataset.count} digits: 0 to ${
            dataset.count - 1
          })`,
        );
      }
      const label = dataset.labels[index];
      digit = {
        report: explainer.digit(digitPixels(dataset, index)),
        source: { set, index, label },
        caption: `${set === "test" ? "Test" : "Training"} digit #${index} (a ${label})`,
      };
    }
  }

  if (flags.json) {
    const out: Record<string, unknown> = {
      model: loaded.path ?? null,
      random: loaded.random,
      deadUnitDigits: data ? Math.min(DEAD_UNIT_DIGITS, data.test.count) : 0,
      layers: layers.map(({ deadUnits: _, ...layer }) => layer),
    };
    if (digit) {
      const { report } = digit;
      Object.assign(out, digit.source, {
        input: rounded(report.input),
        activations: report.activations.map((a) => rounded(a.values)),
        saliency: rounded(report.saliency, 8),
        attribution: rounded(report.attribution, 8),
        prediction: {
          digit: report.prediction.digit,
          confidence: round(report.prediction.confidence),
          ...(report.prediction.notADigit === undefined
            ? {}
            : { notADigit: round(report.prediction.notADigit) }),
        },
      });
    }
    io.write(JSON.stringify(out) + "\n");
    return 0;
  }

  const lines: string[] = [];
  if (loaded.random) io.warn(`${loaded.randomReason}: inspecting an untrained network`);
  lines.push(c.dim(`Model: ${describeModel(loaded)}`));
  if (!digit) {
    lines.push(
      c.dim(
        `Each layer: what it outputs, its weights (mean, spread, histogram from min to max) and how many of its units never fire on the first ${
          count(Math.min(DEAD_UNIT_DIGITS, data!.test.count))
        } test digits.`,
      ),
      "",
      ...renderLayerReports(layers, io),
      "",
      healthSentence(layers),
    );
  } else {
    lines.push("", ...renderDigitReport(digit.report, digit.caption, io));
  }
  io.write(lines.join("\n") + "\n");
  return 0;
}

/** Two lines per layer: what it is and outputs, then its weights' statistics and histogram. */
function renderLayerReports(layers: LayerReport[], io: CommandIo): string[] {
  const c = paint(io.color);
  const nameWidth = Math.max(...layers.map((l) => l.name.length));
  return layers.flatMap((layer) => {
    const head =
      `${String(layer.index + 1).padStart(2)}. ${c.bold(fitWidth(layer.name, nameWidth))}  → ${
        layer.shape.join("x")
      }` + c.dim(`  · ${count(layer.parameters)} parameters`) +
      (layer.deadFraction !== null
        ? `  · ${
          (layer.deadFraction >= 0.1 ? c.red : (s: string) => s)(
            `${layer.deadUnits!.length} of ${layer.units} units never fire (${
              percent(layer.deadFraction, 1)
            })`,
          )
        }`
        : "");
    if (layer.histogram === null) return [head];
    return [
      head,
      `    weights mean ${layer.mean!.toFixed(4)} std ${layer.std!.toFixed(4)}  ` +
      histogramLine(layer.histogram, {
        color: io.color,
        min: layer.min!,
        max: layer.max!,
        format: (v) => v.toFixed(3),
      }),
    ];
  });
}

/** The digit, its attribution and its raw gradient side by side, then a heat strip per layer. */
function renderDigitReport(report: DigitReport, caption: string, io: CommandIo): string[] {
  const c = paint(io.color);
  const { digit, confidence, notADigit } = report.prediction;
  // A model read in two parts: how sure of the digit, and apart, how likely it is no digit.
  const apart = notADigit === undefined ? "" : `; not a digit ${percent(notADigit, 1)}`;
  const lines = [
    `${caption}: the network says ${c.bold(String(digit))} (${
      percent(confidence, 1)
    } sure${apart})`,
    "",
    ...sideBySide(
      [
        renderBlockArt(report.input, { color: io.color }),
        renderSaliencyOverlay(report.input, report.attribution, { color: io.color }),
        renderSaliencyOverlay(report.input, report.saliency, { color: io.color }),
      ],
      4,
      io.columns,
      ["what the network saw", `what made it say ${digit}`, "where more ink would change it"],
    ),
    c.dim(
      io.color === "none"
        ? `Middle (integrated gradients from a blank picture): + marks ink that speaks for ${digit}, - ink that speaks against it; they add up to the score's change. Right (the raw gradient): + where more ink would make ${digit} more likely, - less likely.`
        : `Middle (integrated gradients from a blank picture): orange ink speaks for ${digit}, blue against it; they add up to the score's change. Right (the raw gradient): orange where more ink would make ${digit} more likely, blue less likely.`,
    ),
    "",
    c.dim("Each layer's activations, one cell per unit (pooled to fit), brighter = fires harder:"),
  ];
  const nameWidth = Math.max(...report.activations.map((a) => a.name.length));
  for (const layer of report.activations) {
    // Pooling keeps each filter's maximum and dropout passes values through at inference:
    // their strips would repeat the layer before.
    if (/^(pool|dropout|flatten)/.test(layer.name)) continue;
    const units = unitValues(layer.values, layer.shape);
    const last = layer === report.activations[report.activations.length - 1];
    const strip = renderHeatStrip(units, {
      width: Math.max(10, Math.min(64, io.columns - nameWidth - 6)),
      color: io.color,
    });
    lines.push(`${fitWidth(layer.name, nameWidth)}  ${strip}`);
    const strongest = last
      ? `digits by probability: ${strongestUnits(units, 3, outputName)}`
      : `strongest units: ${strongestUnits(units, 4)}` +
        (layer.shape.length === 3 ? " (filters, at their strongest position)" : "");
    lines.push(c.dim(`${" ".repeat(nameWidth)}  ${strongest}`));
  }
  return lines;
}

function round(v: number, digits = 4): number {
  return Number(v.toFixed(digits));
}

function rounded(values: Float32Array, digits = 4): number[] {
  return Array.from(values, (v) => round(v, digits));
}
