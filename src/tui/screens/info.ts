/** The Model info screen: everything the model file says about itself. */
import { plural } from "../../text/format.ts";
import { describeArchitecture } from "../../train/architecture.ts";
import { describeCalibration } from "../../train/calibration.ts";
import { renderLayerTable } from "../../text/layer_table.ts";
import type { LoadedModel } from "../../app/load_model.ts";
import type { NetworkModelInfo } from "../../train/checkpoint.ts";
import { type ColorLevel, paint } from "../../text/color.ts";
import { lineChart } from "../../text/chart.ts";
import { joinColumns, visibleWidth, wrapText } from "../../text/layout.ts";
import type { AppContext } from "../context.ts";
import { scrollByKey, scrollPosition, scrollWindow } from "../page.ts";
import type { Frame, ScreenProgram } from "../screen_loop.ts";

const percent = (x: number) => `${(x * 100).toFixed(2)}%`;

/**
 * The model's metadata as lines: layers, activation, parameters, optimizer, epochs and plan,
 * data source, accuracy, command, dates, then the per-epoch history (with a chart of loss and
 * test accuracy when there are at least two epochs and room).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadModelOrRandom } from "../../app/load_model.ts";
 * import { renderModelInfo } from "./info.ts";
 *
 * const model = await loadModelOrRandom("models/pretrained_mlp.safetensors");
 * const lines = renderModelInfo(model, { width: 80, color: "none" });
 * assert.deepEqual(lines.slice(0, 3), [
 *   "file           models/pretrained_mlp.safetensors",
 *   "network        784-256-10 relu (softmax output)",
 *   "parameters     203,530",
 * ]);
 * assert.ok(lines.includes("test accuracy  99.06%"));
 * // The history table, one row per epoch, then the chart of loss and test accuracy.
 * assert.ok(lines.includes("     20  0.0968      97.10%     99.06%       2.7"));
 * assert.equal(lines.at(-1), "      ── loss (left)   ·· test accuracy (right)");
 * ```
 */
export function renderModelInfo(
  model: LoadedModel,
  options: { width: number; color: ColorLevel },
): string[] {
  const c = paint(options.color);
  const network = model.network;
  // A long value (the commands that made the model) wraps under itself instead of being cut.
  const field = (name: string, value: string) =>
    wrapText(value, Math.max(20, options.width - 15))
      .map((line, i) => `${i === 0 ? c.dim(name.padEnd(15)) : " ".repeat(15)}${line}`)
      .join("\n");
  if (model.random || !model.info) {
    return [
      c.yellow("No trained model: the network is random (it guesses, ~10% accuracy)."),
      model.randomReason ? field("why", model.randomReason) : "",
      field("network", `${describeArchitecture(network)} (softmax output)`),
      field("parameters", network.parameterCount.toLocaleString("en-US")),
      "",
      "Train one from the menu (Train), or: deno task start train",
    ].filter((line) => line !== "").flatMap((line) => line.split("\n"));
  }
  const info = model.info;
  const plan = info.plan;
  const position = info.position;
  const lines = [
    field("file", model.path ?? "?"),
    field("network", `${describeArchitecture(info)} (softmax output)`),
    field("parameters", network.parameterCount.toLocaleString("en-US")),
    field(
      "optimizer",
      `${info.optimizer.kind}, learning rate ${info.optimizer.learningRate}, weight decay ${info.optimizer.weightDecay}, ${
        info.optimizerStep.toLocaleString("en-US")
      } steps` +
        (info.optimizerState ? "" : " (weights only: resuming restarts it)"),
    ),
    field(
      "trained",
      plural(position.epochsDone, "epoch") +
        (position.stepInEpoch > 0
          ? ` + ${position.stepInEpoch} batches (interrupted: Train resumes it)`
          : ""),
    ),
    plan
      ? field(
        "last plan",
        `${
          plural(plan.epochs, "epoch")
        } from epoch ${plan.startEpoch}, batch ${plan.batchSize}, ${plan.schedule} schedule, ` +
          `${plan.limit.toLocaleString("en-US")} digits${plan.augment ? ", augmented" : ""}${
            plan.negatives ? `, not-a-digit images (${plan.negatives.kinds.join(", ")})` : ""
          }${
            plan.fontDigits ? `, ${plan.fontDigits.toLocaleString("en-US")} font digits` : ""
          }, seed ${plan.seed}`,
      )
      : "",
    field("calibration", describeCalibration(info.calibration).join("; ")),
    field(
      "data",
      info.dataSource === "sample"
        ? c.yellow("10,000-digit offline sample")
        : info.dataSource === "mnist"
        ? "full MNIST"
        : "unknown",
    ),
    field(
      "test accuracy",
      info.testAccuracy !== null ? c.bold(percent(info.testAccuracy)) : "not measured",
    ),
    field("command", info.command || "unknown"),
    field("created", info.createdAt),
    field("updated", info.updatedAt),
  ].filter((line) => line !== "").flatMap((line) => line.split("\n"));
  const layers = [
    c.bold("Layers"),
    ...renderLayerTable(network.summary(), { color: options.color, inputShape: network.inputShape })
      .map((line) => `  ${line}`),
  ];
  const layersWidth = Math.max(...layers.map(visibleWidth));
  // A wide terminal holds the history beside the layers: less to scroll.
  const besideWidth = options.width - layersWidth - HISTORY_GAP;
  const beside = info.history.length > 0 && besideWidth >= HISTORY_WIDTH;
  const history = renderHistory(info.history, beside ? besideWidth : options.width, options.color);
  if (beside) {
    lines.push("", ...joinColumns([layers, history], HISTORY_GAP).map((line) => line.trimEnd()));
  } else lines.push("", ...layers, ...(history.length > 0 ? ["", ...history] : []));
  return lines;
}

// The history table's width, and the columns between it and the layers beside it.
const HISTORY_WIDTH = 48;
const HISTORY_GAP = 6;

/** The per-epoch history, then a chart of loss and test accuracy (two epochs or more). */
function renderHistory(
  history: NetworkModelInfo["history"],
  width: number,
  color: ColorLevel,
): string[] {
  if (history.length === 0) return [];
  const c = paint(color);
  const lines = [c.bold("History"), c.dim("  epoch    loss   train acc   test acc   seconds")];
  for (const h of history) {
    lines.push(
      `  ${String(h.epoch).padStart(5)}  ${h.loss.toFixed(4).padStart(6)}  ${
        percent(h.trainAccuracy).padStart(10)
      }  ${percent(h.testAccuracy).padStart(9)}  ${h.seconds.toFixed(1).padStart(8)}`,
    );
  }
  if (history.length >= 2 && width >= 40) {
    lines.push("");
    lines.push(...lineChart([
      { label: "loss", values: history.map((h) => h.loss), format: (v) => v.toFixed(3) },
      {
        label: "test accuracy",
        values: history.map((h) => h.testAccuracy),
        format: (v) => `${(v * 100).toFixed(1)}%`,
      },
    ], { width: Math.min(width, 100), height: 6, color }));
  }
  return lines;
}

/** The Model info screen's state: the model shown, how far it is scrolled, in what frame. */
export interface InfoState {
  model: LoadedModel;
  offset: number;
  frame?: Frame;
}

/**
 * The Model info screen: the model's description, scrollable (arrows, PgUp/PgDn, Home/End, the
 * wheel); Esc, q or Enter go back.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "../../network/mod.ts";
 * import { simulate } from "../screen_loop_testing.ts";
 * import { infoScreen } from "./info.ts";
 *
 * const network = new Network({ layerSizes: [784, 16, 10], activation: "relu" }, { seed: 1 });
 * const run = simulate(infoScreen({ model: () => ({ network, random: true }) }), ["enter"]);
 * assert.match(run.view.body.join("\n"), /the network is random/);
 * assert.ok(run.exit);
 * ```
 */
export function infoScreen(
  context: Pick<AppContext, "model">,
): ScreenProgram<InfoState, never, void> {
  return {
    title: "Model info",
    init: () => ({ state: { model: context.model(), offset: 0 } }),
    update(state, message) {
      if (message.type === "back") return { state, exit: { value: undefined } };
      if (message.type === "resize") {
        return { state: clampOffset({ ...state, frame: message.frame }) };
      }
      if (message.type !== "input" || !state.frame) return { state };
      const event = message.event;
      if (event.type === "key" && event.key === "enter") {
        return { state, exit: { value: undefined } };
      }
      const next = scrollByKey(event, state.offset, state.frame.rows - 1);
      return next === undefined ? { state } : { state: clampOffset({ ...state, offset: next }) };
    },
    view(state, frame) {
      const lines = infoLines(state.model, frame);
      const view = scrollWindow(lines, state.offset, frame.rows);
      const where = scrollPosition(lines.length, view.offset, frame.rows);
      return {
        body: view.lines,
        footer: `Esc back${where ? ` · ↑/↓ PgUp/PgDn scroll · ${where}` : ""}`,
      };
    },
  };
}

function infoLines(model: LoadedModel, frame: Frame): string[] {
  return renderModelInfo(model, { width: frame.columns, color: frame.color });
}

/** Keeps the scroll offset where the window stays full (so Up after End moves at once). */
function clampOffset(state: InfoState): InfoState {
  if (!state.frame) return state;
  const total = infoLines(state.model, state.frame).length;
  const offset = scrollWindow(new Array(total), state.offset, state.frame.rows).offset;
  return offset === state.offset ? state : { ...state, offset };
}
