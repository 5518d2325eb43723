/** `info`: what a model file holds: architecture, training history, how it was made. */
import type { CommandIo } from "../io.ts";
import { percent, plural } from "../../text/format.ts";
import { describeModel, loadModelOrRandom } from "../../app/load_model.ts";
import { modelInfoJson } from "../../app/json_reports.ts";
import { renderLayerTable } from "../../text/layer_table.ts";
import { describeArchitecture } from "../../train/architecture.ts";
import { describeCalibration } from "../../train/calibration.ts";

/** The flags of `info`. */
export interface InfoFlags {
  model?: string;
  json?: boolean;
}

/** Runs `info`; returns the exit status (1 when there is no model file). */
export async function infoCommand(flags: InfoFlags, io: CommandIo): Promise<number> {
  const loaded = await loadModelOrRandom(flags.model, 1);
  if (loaded.random || !loaded.info) {
    if (flags.json) {
      io.write(JSON.stringify({ model: flags.model ?? null, error: loaded.randomReason }) + "\n");
    } else io.warn(`${loaded.randomReason}; train one with: deno task start train`);
    return 1;
  }
  const info = loaded.info;
  if (flags.json) {
    io.write(JSON.stringify(modelInfoJson(loaded)) + "\n");
    return 0;
  }
  const plan = info.plan;
  const lines = [
    describeModel(loaded),
    `  network:      ${describeArchitecture(info)} (softmax output)`,
    `  parameters:   ${loaded.network.parameterCount.toLocaleString("en-US")}`,
    `  optimizer:    ${info.optimizer.kind}, lr ${info.optimizer.learningRate}, weight decay ${info.optimizer.weightDecay}, ${info.optimizerStep} steps`,
    `  trained:      ${plural(info.position.epochsDone, "epoch")}` +
    (info.position.stepInEpoch > 0
      ? ` + ${info.position.stepInEpoch} batches (interrupted; train resumes it)`
      : ""),
    plan
      ? `  last plan:    ${
        plural(plan.epochs, "epoch")
      } from epoch ${plan.startEpoch}, batch ${plan.batchSize}, ${plan.schedule} schedule, warm-up ${plan.warmupEpochs}, ${
        plan.limit.toLocaleString("en-US")
      } training digits, seed ${plan.seed}` +
        (plan.augment ? ", augmented digits" : "") +
        (plan.negatives
          ? `, ${plan.negatives.ratio} not-a-digit images per digit (${
            plan.negatives.kinds.join(", ")
          }, weight ${plan.negatives.weight})`
          : "") +
        (plan.fontDigits
          ? `, ${plan.fontDigits.toLocaleString("en-US")} digits written in fonts`
          : "")
      : "",
    ...describeCalibration(info.calibration).map((line, i) =>
      `  ${i === 0 ? "calibration:" : "            "}  ${line}`
    ),
    `  data:         ${info.dataSource ?? "unknown"}`,
    `  test accuracy ${info.testAccuracy !== null ? percent(info.testAccuracy) : "not measured"}`,
    `  made by:      ${info.command || "unknown"}`,
    `  created:      ${info.createdAt}, updated ${info.updatedAt}`,
  ].filter((line) => line !== "");
  lines.push(
    "",
    ...renderLayerTable(loaded.network.summary(), {
      color: io.color,
      inputShape: loaded.network.inputShape,
    }).map((line) => `  ${line}`),
    "",
  );
  if (info.history.length > 0) {
    lines.push("  epoch   loss    train acc  test acc");
    for (const h of info.history) {
      lines.push(
        `  ${String(h.epoch).padStart(5)}  ${h.loss.toFixed(4)}  ${
          percent(h.trainAccuracy).padStart(9)
        }  ${percent(h.testAccuracy).padStart(8)}`,
      );
    }
  }
  io.write(lines.join("\n") + "\n");
  return 0;
}
