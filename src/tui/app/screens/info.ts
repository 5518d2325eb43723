/** The Model info screen: everything the model file says about itself. */
import type { LoadedModel } from "../../../app/load_model.ts";
import { type ColorLevel, paint } from "../../../text/color.ts";
import { lineChart } from "../../../text/chart.ts";
import type { AppContext } from "../context.ts";
import {
  bodyRows,
  isBackKey,
  renderPage,
  scrollByKey,
  scrollPosition,
  scrollWindow,
} from "../page.ts";

const percent = (x: number) => `${(x * 100).toFixed(2)}%`;

/**
 * The model's metadata as lines: layers, activation, parameters, optimizer, epochs and plan,
 * data source, accuracy, command, dates, then the per-epoch history (with a chart of loss and
 * test accuracy when there are at least two epochs and room).
 *
 * @example
 * ```ts
 * renderModelInfo(context.model(), { width: 80, color: "none" });
 * ```
 */
export function renderModelInfo(
  model: LoadedModel,
  options: { width: number; color: ColorLevel },
): string[] {
  const c = paint(options.color);
  const network = model.network;
  const field = (name: string, value: string) => `${c.dim(name.padEnd(15))}${value}`;
  if (model.random || !model.info) {
    return [
      c.yellow("No trained model: the network is random (it guesses, ~10% accuracy)."),
      model.randomReason ? field("why", model.randomReason) : "",
      field("layers", `${network.layerSizes.join(" → ")} (${network.activation}, softmax output)`),
      field("parameters", network.parameterCount.toLocaleString("en-US")),
      "",
      "Train one from the menu (Train), or: deno task start train",
    ].filter((line) => line !== "");
  }
  const info = model.info;
  const plan = info.plan;
  const position = info.position;
  const lines = [
    field("file", model.path ?? "?"),
    field("layers", `${info.layerSizes.join(" → ")} (${info.activation}, softmax output)`),
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
      `${position.epochsDone} epoch${position.epochsDone === 1 ? "" : "s"}` +
        (position.stepInEpoch > 0
          ? ` + ${position.stepInEpoch} batches (interrupted: Train resumes it)`
          : ""),
    ),
    plan
      ? field(
        "last plan",
        `${plan.epochs} epochs from epoch ${plan.startEpoch}, batch ${plan.batchSize}, ${plan.schedule} schedule, ` +
          `${plan.limit.toLocaleString("en-US")} digits${
            plan.augment ? ", augmented" : ""
          }, seed ${plan.seed}`,
      )
      : "",
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
  ].filter((line) => line !== "");
  if (info.history.length > 0) {
    lines.push("", c.bold("History"), c.dim("  epoch    loss   train acc   test acc   seconds"));
    for (const h of info.history) {
      lines.push(
        `  ${String(h.epoch).padStart(5)}  ${h.loss.toFixed(4).padStart(6)}  ${
          percent(h.trainAccuracy).padStart(10)
        }  ${percent(h.testAccuracy).padStart(9)}  ${h.seconds.toFixed(1).padStart(8)}`,
      );
    }
    if (info.history.length >= 2 && options.width >= 40) {
      lines.push("");
      lines.push(...lineChart([
        { label: "loss", values: info.history.map((h) => h.loss), format: (v) => v.toFixed(3) },
        {
          label: "test accuracy",
          values: info.history.map((h) => h.testAccuracy),
          format: (v) => `${(v * 100).toFixed(1)}%`,
        },
      ], { width: Math.min(options.width, 100), height: 6, color: options.color }));
    }
  }
  return lines;
}

/** Shows the model info, scrollable, until Esc, Ctrl-C, q or Enter. */
export async function runInfoScreen(context: AppContext): Promise<void> {
  const { screen, color } = context;
  let offset = 0;
  const draw = () => {
    const size = screen.size();
    const header = context.header?.(size.columns) ?? [];
    const lines = renderModelInfo(context.model(), { width: size.columns, color });
    const height = bodyRows(size, header.length);
    const view = scrollWindow(lines, offset, height);
    offset = view.offset;
    const where = scrollPosition(lines.length, offset, height);
    screen.draw(renderPage(
      {
        header,
        title: "Model info",
        body: view.lines,
        footer: `Esc back${where ? ` · ↑/↓ PgUp/PgDn scroll · ${where}` : ""}`,
      },
      size,
      color,
    ));
  };
  draw();
  const unsubscribe = screen.onResize(draw);
  try {
    for await (const event of screen.events()) {
      if (isBackKey(event)) return;
      if (event.type === "key" && (event.key === "q" || event.key === "enter")) return;
      const next = scrollByKey(event, offset, bodyRows(screen.size()) - 1);
      if (next !== undefined) {
        offset = next;
        draw();
      }
    }
  } finally {
    unsubscribe();
  }
}
