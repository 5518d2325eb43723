/** `classify`: predict the digit in users' own images (files or folders of PNG/JPEG). */
import { classifyImage, fitImage } from "../../app/classify_image.ts";
import type { GrayImage } from "../../image/mod.ts";
import { listImages } from "../../image/image_files.ts";
import { paint } from "../../text/color.ts";
import { renderBlockArt } from "../../text/block_art.ts";
import { joinColumns } from "../../text/layout.ts";
import type { CommandIo } from "../io.ts";
import { percent, plural } from "../../text/format.ts";
import { describeModel, loadModelOrRandom } from "../../app/load_model.ts";
import { classificationJson } from "../../app/json_reports.ts";

/** The flags of `classify`. */
export interface ClassifyFlags {
  model?: string;
  json?: boolean;
  show?: boolean;
}

/** Runs `classify`; returns 1 when any file could not be classified. */
export async function classifyCommand(
  paths: string[],
  flags: ClassifyFlags,
  io: CommandIo,
): Promise<number> {
  const loaded = await loadModelOrRandom(flags.model, 1);
  const c = paint(io.color);
  if (!flags.json) {
    if (loaded.random) io.warn(`${loaded.randomReason}: guesses come from an untrained network`);
    io.write(c.dim(`Model: ${describeModel(loaded)}`) + "\n");
  }
  const files = await expandPaths(paths);
  let failed = 0;
  let labeled = 0;
  let labeledCorrect = 0;
  for (const file of files) {
    const result = await classifyImage(file, loaded.network);
    const { label, prediction } = result;
    if (!prediction) {
      failed++;
      const reason = result.error ?? "no digit found";
      if (flags.json) io.write(JSON.stringify(classificationJson(result)) + "\n");
      else {
        io.write(`${file}: ${c.red("error")}: ${reason}\n`);
        if (flags.show && result.image) {
          io.write(showImages(result.image, result.normalized, io) + "\n");
        }
      }
      continue;
    }
    if (label !== undefined) {
      labeled++;
      if (label === prediction.digit) labeledCorrect++;
    }
    if (flags.json) {
      io.write(JSON.stringify(classificationJson(result)) + "\n");
      continue;
    }
    const mark = label === undefined
      ? ""
      : label === prediction.digit
      ? c.green(" ✓")
      : c.red(` ✗ (label ${label})`);
    io.write(
      `${file}: ${c.bold(String(prediction.digit))} (${percent(prediction.confidence)})${mark}\n`,
    );
    if (flags.show && result.image) {
      io.write(showImages(result.image, result.normalized, io) + "\n");
    }
  }
  if (labeled > 0 && !flags.json) {
    io.write(
      `Accuracy on ${plural(labeled, "labeled image")}: ${labeledCorrect}/${labeled} (${
        percent(labeledCorrect / labeled)
      })\n`,
    );
  }
  return failed > 0 ? 1 : 0;
}

/** Files as given, folders expanded (recursively, in natural order) to the images inside. */
async function expandPaths(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) files.push(...await listImages(path));
  return files;
}

/** The input (shrunk to fit 28x28) and what the network saw, side by side. */
function showImages(image: GrayImage, normalized: Float32Array | undefined, io: CommandIo): string {
  const shown = fitImage(image, 28, 28);
  // Block art draws bright as ink; show the image as it is, dark ink on light paper dark.
  const ink = shown.luminance.map((v) => 1 - v);
  const blocks = [["input", ...renderBlockArt(ink, { width: shown.width, color: io.color })]];
  if (normalized) {
    blocks.push(["network input (28x28)", ...renderBlockArt(normalized, { color: io.color })]);
  }
  return joinColumns(blocks, 4).join("\n");
}
