/** `export --format onnx`: the model as an ONNX file that any ONNX runtime runs (src/export/). */
import { UserError } from "../../errors.ts";
import { describeModel, loadModelOrRandom } from "../../app/load_model.ts";
import { exportOnnx, ONNX_INPUT, ONNX_NOT_A_DIGIT, ONNX_PROBABILITIES } from "../../export/mod.ts";
import { writeFileAtomic } from "../../fs/atomic_write.ts";
import { hasNotADigitOutput } from "../../network/network.ts";
import { readsDigitShare } from "../../train/refusal_rule.ts";
import { describeArchitecture } from "../../train/architecture.ts";
import { viewAverage } from "../../train/views.ts";
import type { CommandIo } from "../io.ts";
import denoJson from "../../../deno.json" with { type: "json" };

/** The formats `export` writes. */
export const EXPORT_FORMATS = ["onnx"] as const;

/** The flags of `export`. */
export interface ExportFlags {
  format: (typeof EXPORT_FORMATS)[number];
  model?: string;
  /** Where to write; default: the model's path with `.onnx` for its extension. */
  out?: string;
}

/** Runs `export`; returns the exit status (1 when there is no model to export). */
export async function exportCommand(flags: ExportFlags, io: CommandIo): Promise<number> {
  const loaded = await loadModelOrRandom(flags.model, 1);
  if (loaded.random || !loaded.info || loaded.path === undefined) {
    throw new UserError(`${loaded.randomReason}; train one with: deno task start train`);
  }
  const out = flags.out ?? loaded.path.replace(/(\.safetensors)?$/, ".onnx");
  if (out === loaded.path) throw new UserError(`--out ${out} is the model file itself`);
  const { info, network } = loaded;
  const metadata: Record<string, string> = {
    architecture: describeArchitecture(info),
    source: loaded.path,
    epochs: String(info.position.epochsDone),
  };
  if (info.testAccuracy !== null) metadata.test_accuracy = String(info.testAccuracy);
  if (info.command) metadata.command = info.command;
  // The model file's calibration comes with the network (its readout): the temperature, the
  // refusal it learned (if any), how a CNN weighs its views.
  const bytes = exportOnnx(network, { version: denoJson.version, metadata });
  const { temperature, refuseBelow } = network.readout;
  const average = viewAverage(network);
  await writeFileAtomic(out, bytes);
  const notADigitOutput = hasNotADigitOutput(network.layerSizes.at(-1) ?? 0);
  // An eleven-output model read in two parts: the digits renormalized, refused on its 11th.
  const twoParts = readsDigitShare(network);
  const viewsInWords = average === null ? "" : `the image (counted ${average.asIsWeight}x) and ` +
    `its ${average.views.length} turned and scaled views`;
  io.write(
    `wrote ${out} (${bytes.length.toLocaleString("en-US")} bytes, ONNX opset 13) from ` +
      `${describeModel(loaded)}\n` +
      `  input  ${ONNX_INPUT} float32 [N, 1, 28, 28], 0..1, white ink on black (MNIST / 255)\n` +
      `  output ${ONNX_PROBABILITIES} float32 [N, 10], softmax over the digits 0..9` +
      (twoParts
        ? ' (renormalized over the ten: the model\'s "not a digit" output apart)'
        : notADigitOutput
        ? ` (shared with the model's "not a digit" output)`
        : "") +
      (temperature === 1 ? "\n" : ` (calibrated: logits / ${temperature})\n`) +
      // What classify reads, so that the file answers as it does for a normalized digit.
      (average === null
        ? "         of the image as it is, as classify reads a digit with a dense network\n"
        : twoParts
        ? "         of the image as it is, as classify reads which digit\n"
        : `         averaged over ${viewsInWords}, as classify reads a digit\n`) +
      (refuseBelow === null ? "" : `  output ${ONNX_NOT_A_DIGIT} bool [N], true when ` +
        (twoParts
          ? "1 - p(not a digit)" + (average === null ? "" : ` (averaged over ${viewsInWords})`)
          : "the top probability") +
        ` is under ` +
        `${refuseBelow}: classify's "not a digit"\n`),
  );
  return 0;
}
