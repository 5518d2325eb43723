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
import { NUMBER_BATCH, numberJson, readNumber } from "../../app/read_number.ts";
import type { Network } from "../../network/network.ts";
import { UserError } from "../../errors.ts";

/** The flags of `classify`. */
export interface ClassifyFlags {
  model?: string;
  json?: boolean;
  show?: boolean;
  /** Read each file as a number written in a row (several digits, left to right). */
  number?: boolean;
}

/** Runs `classify`; returns 1 when any file could not be classified. */
export async function classifyCommand(
  paths: string[],
  flags: ClassifyFlags,
  io: CommandIo,
): Promise<number> {
  const loaded = await loadModelOrRandom(flags.model, NUMBER_BATCH);
  const c = paint(io.color);
  if (!flags.json) {
    if (loaded.random) io.warn(`${loaded.randomReason}: guesses come from an untrained network`);
    io.write(c.dim(`Model: ${describeModel(loaded)}`) + "\n");
  }
  // A path that cannot be listed is reported in its place; the other paths are still read.
  const { files, unreadable } = await expandPaths(paths);
  const reportUnreadable = (path: string) => {
    const error = unreadable.get(path);
    if (error === undefined) return false;
    if (flags.json) io.write(JSON.stringify({ file: path, error }) + "\n");
    else io.write(`${path}: ${c.red("error")}: ${error}\n`);
    return true;
  };
  if (flags.number) {
    const status = await classifyNumbers(files, loaded.network, flags, io, reportUnreadable);
    return unreadable.size > 0 ? 1 : status;
  }
  let failed = unreadable.size;
  let labeled = 0;
  let labeledCorrect = 0;
  for (const file of files) {
    if (reportUnreadable(file)) continue;
    const result = await classifyImage(file, loaded.network);
    const { label, prediction } = result;
    if (!prediction && result.notDigit !== undefined) {
      // An answer, not a failure: the file was read and holds something other than a digit.
      if (flags.json) io.write(JSON.stringify(classificationJson(result)) + "\n");
      else io.write(`${file}: not a digit: ${result.notDigit}\n`);
      continue;
    }
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

/**
 * Files as given, folders expanded (recursively, in natural order) to the images inside; a path
 * that cannot be listed (missing, not allowed, an empty folder) stays in its place in `files`
 * with its one-line reason in `unreadable`.
 */
async function expandPaths(
  paths: string[],
): Promise<{ files: string[]; unreadable: Map<string, string> }> {
  const files: string[] = [];
  const unreadable = new Map<string, string>();
  for (const path of paths) {
    try {
      files.push(...await listImages(path));
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      files.push(path);
      unreadable.set(path, error.message.replace(`${path}: `, ""));
    }
  }
  return { files, unreadable };
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

/**
 * `classify --number`: each file read as a number. Text: the number, then each digit with its
 * confidence and what the network saw; JSON: one `numberJson` line per file.
 */
async function classifyNumbers(
  files: string[],
  network: Network,
  flags: ClassifyFlags,
  io: CommandIo,
  reportUnreadable: (path: string) => boolean,
): Promise<number> {
  const c = paint(io.color);
  let failed = 0;
  for (const file of files) {
    if (reportUnreadable(file)) continue;
    const reading = await readNumber(file, network);
    if (flags.json) {
      io.write(JSON.stringify(numberJson(reading)) + "\n");
      if (reading.number === undefined) failed++;
      continue;
    }
    if (reading.number === undefined) {
      failed++;
      io.write(`${file}: ${c.red("error")}: ${reading.error ?? "no digit found"}\n`);
      continue;
    }
    io.write(`${file}: ${reading.numbers.map((n) => c.bold(n)).join("  ")}\n`);
    reading.numbers.forEach((number, row) => {
      if (reading.numbers.length > 1) io.write(`row ${row + 1}: ${number}\n`);
      const blocks = reading.digits.filter((d) => d.row === row).map((d) => [
        `${d.prediction.digit} (${percent(d.prediction.confidence)})`,
        ...renderBlockArt(d.normalized, { color: io.color }),
      ]);
      io.write(joinColumns(blocks, 2).join("\n") + "\n");
    });
  }
  return failed > 0 ? 1 : 0;
}
