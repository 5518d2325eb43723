/** The two header lines every screen shows: which model is in use and which data. */
import { describeArchitecture, shortArchitectureName } from "../train/architecture.ts";
import { plural } from "../text/format.ts";
import type { LoadedModel } from "../app/load_model.ts";
import { isShippedModel } from "../app/model_paths.ts";
import type { MnistData } from "../data/dataset.ts";
import { type DataDirStatus, resolveDataDir } from "../data/locate.ts";
import { type ColorLevel, paint } from "../text/color.ts";
import { truncate } from "../text/layout.ts";

/** What the header says about the data: known before loading, exact once loaded. */
export interface DataLabel {
  /** The 10,000-digit offline sample rather than the full MNIST. */
  sample: boolean;
  /** One line, e.g. "full MNIST (60,000 train / 10,000 test) from data". */
  text: string;
  /** True when the data cannot be loaded as configured (shown in red). */
  missing?: boolean;
}

/**
 * Describes the data the app will use before it is loaded: the sample, the MNIST folder found,
 * or where it is missing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataLabelFor } from "./header.ts";
 *
 * assert.deepEqual(dataLabelFor({ sample: true }), {
 *   sample: true,
 *   text: "SAMPLE: 10,000-digit offline sample (8,000 train / 2,000 test)",
 * });
 * // A folder without the MNIST files: the label is flagged missing and says what to do.
 * const label = dataLabelFor({ dataDir: "no/such/folder" });
 * assert.equal(label.missing, true);
 * assert.match(label.text, /^MNIST not found in no\/such\/folder: Train or Test offers/);
 * ```
 */
export function dataLabelFor(
  options: { dataDir?: string; sample?: boolean },
  status: () => DataDirStatus = () => resolveDataDir(options.dataDir),
): DataLabel {
  if (options.sample) {
    return { sample: true, text: "SAMPLE: 10,000-digit offline sample (8,000 train / 2,000 test)" };
  }
  const found = status();
  if (found.complete) {
    return { sample: false, text: `full MNIST (60,000 train / 10,000 test) from ${found.dir}` };
  }
  return {
    sample: false,
    missing: true,
    text:
      `MNIST not found in ${found.dir}: Train or Test offers to download it (or use the sample)`,
  };
}

/**
 * The label for data that was loaded.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadMnist } from "../data/load.ts";
 * import { dataLabelOf } from "./header.ts";
 *
 * const data = await loadMnist({ sample: true }); // loadMnist(): the full MNIST, from its folder
 * const label = dataLabelOf(data);
 * assert.equal(label.sample, true);
 * assert.equal(label.text, "SAMPLE: 10,000-digit offline sample (8,000 train / 2,000 test)");
 * ```
 */
export function dataLabelOf(data: MnistData): DataLabel {
  const counts = `${data.train.count.toLocaleString("en-US")} train / ${
    data.test.count.toLocaleString("en-US")
  } test`;
  if (data.source === "sample") {
    return { sample: true, text: `SAMPLE: 10,000-digit offline sample (${counts})` };
  }
  const from = data.description.replace(/^MNIST from /, "");
  return { sample: false, text: `full MNIST (${counts}) from ${from}` };
}

/**
 * One line about the model in use: path, layer sizes, epochs trained and last test accuracy;
 * the shipped pretrained model and a random network are named as such. When the line would
 * pass `width`, a shorter form drops the activation and shortens the names.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadModelOrRandom } from "../app/load_model.ts";
 * import { describeModelShort } from "./header.ts";
 *
 * const model = await loadModelOrRandom("models/pretrained.safetensors");
 * assert.equal(
 *   describeModelShort(model),
 *   "shipped pretrained model (models/pretrained.safetensors) · " +
 *     "cnn: conv5x32,pool,conv5x64,pool,dense128,dropout0.5 relu, + not-a-digit output · 38 epochs · " +
 *     "test 99.64%",
 * );
 * assert.equal(
 *   describeModelShort(model, 60),
 *   "shipped pretrained model · cnn · 38 epochs · 99.64%",
 * );
 * ```
 */
export function describeModelShort(model: LoadedModel, width = Infinity): string {
  const sizes = shortArchitectureName(model.network);
  if (model.random || !model.info) {
    const long = `random network ${sizes} (untrained: ~10% accuracy)` +
      (model.randomReason ? ` - ${model.randomReason}` : "");
    return long.length <= width
      ? long
      : `random network ${sizes} (untrained) - ${model.randomReason ?? ""}`;
  }
  const info = model.info;
  const epochs = info.position.epochsDone;
  const partial = info.position.stepInEpoch > 0 ? ` + ${info.position.stepInEpoch} batches` : "";
  const trained = `${plural(epochs, "epoch")}${partial}`;
  const accuracy = info.testAccuracy !== null ? `${(info.testAccuracy * 100).toFixed(2)}%` : "";
  const shipped = isShippedModel(model.path);
  const name = shipped ? `shipped pretrained model (${model.path})` : model.path;
  const long = [name, describeArchitecture(info), trained, accuracy && `test ${accuracy}`]
    .filter(Boolean).join(" · ");
  if (long.length <= width) return long;
  const shortName = shipped ? "shipped pretrained model" : model.path ?? "";
  const short = [shortName, sizes, trained, accuracy].filter(Boolean).join(" · ");
  if (short.length <= width) return short;
  // Last resort: the file name without its folder (the path is on the Model info screen).
  const baseName = shortName.slice(shortName.lastIndexOf("/") + 1);
  return [baseName, sizes, trained, accuracy].filter(Boolean).join(" · ");
}

/**
 * The header: a model line and a data line, each cut to `width`. A random network and the
 * sample are highlighted (yellow) so nobody mistakes their numbers for the real thing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadModelOrRandom } from "../app/load_model.ts";
 * import { dataLabelFor, renderHeader } from "./header.ts";
 *
 * const model = await loadModelOrRandom("models/pretrained.safetensors");
 * assert.deepEqual(renderHeader(model, dataLabelFor({ sample: true }), 72, "none"), [
 *   "model: shipped pretrained model · cnn · 38 epochs · 99.64%",
 *   "data:  SAMPLE: 10,000-digit offline sample (8,000 train / 2,000 test)",
 * ]);
 * ```
 */
export function renderHeader(
  model: LoadedModel,
  data: DataLabel,
  width: number,
  color: ColorLevel,
): string[] {
  const c = paint(color);
  const modelText = describeModelShort(model, width - 7);
  const modelLine = c.dim("model: ") + (model.random ? c.yellow(modelText) : c.bold(modelText));
  const dataText = data.missing ? c.red(data.text) : data.sample ? c.yellow(data.text) : data.text;
  return [truncate(modelLine, width, "…"), truncate(c.dim("data:  ") + dataText, width, "…")];
}
