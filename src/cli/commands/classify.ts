/** `classify`: predict the digit in users' own images (files or folders of PNG/JPEG). */
import { UserError } from "../../errors.ts";
import { decodeImageFile, type GrayImage, normalizeDigit } from "../../image/mod.ts";
import { labelFromPath, listImages } from "../../image/image_files.ts";
import { paint } from "../../text/color.ts";
import { renderBlockArt } from "../../text/block_art.ts";
import { joinColumns } from "../../text/layout.ts";
import type { CommandIo } from "../io.ts";
import { percent } from "../../text/format.ts";
import { describeModel, loadModelOrRandom } from "../../app/load_model.ts";

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
    const label = labelFromPath(file);
    let result: { digit: number; confidence: number; probabilities: Float32Array };
    let image: GrayImage | undefined;
    let normalized: Float32Array | undefined;
    try {
      image = await decodeImageFile(file);
      const digit = normalizeDigit(image);
      normalized = digit.pixels;
      if (!digit.found) throw new UserError(`${file}: ${digit.reason ?? "no digit found"}`);
      const probabilities = loaded.network.predict(digit.pixels);
      let best = 0;
      for (let d = 1; d < 10; d++) if (probabilities[d] > probabilities[best]) best = d;
      result = { digit: best, confidence: probabilities[best], probabilities };
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      failed++;
      const reason = error.message.startsWith(file)
        ? error.message.slice(file.length + 2)
        : error.message;
      if (flags.json) io.write(JSON.stringify({ file, error: reason }) + "\n");
      else {
        io.write(`${file}: ${c.red("error")}: ${reason}\n`);
        if (flags.show && image) io.write(showImages(image, normalized, io) + "\n");
      }
      continue;
    }
    if (label !== undefined) {
      labeled++;
      if (label === result.digit) labeledCorrect++;
    }
    if (flags.json) {
      io.write(
        JSON.stringify({
          file,
          digit: result.digit,
          confidence: round(result.confidence),
          probabilities: [...result.probabilities].map((p) => round(p)),
          ...(label !== undefined ? { label } : {}),
        }) + "\n",
      );
      continue;
    }
    const mark = label === undefined
      ? ""
      : label === result.digit
      ? c.green(" ✓")
      : c.red(` ✗ (label ${label})`);
    io.write(`${file}: ${c.bold(String(result.digit))} (${percent(result.confidence)})${mark}\n`);
    if (flags.show && image) io.write(showImages(image, normalized, io) + "\n");
  }
  if (labeled > 0 && !flags.json) {
    io.write(
      `Accuracy on ${labeled} labeled image${
        labeled === 1 ? "" : "s"
      }: ${labeledCorrect}/${labeled} (${percent(labeledCorrect / labeled)})\n`,
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

/** The input (shrunk to fit 28 columns) and what the network saw, side by side. */
function showImages(image: GrayImage, normalized: Float32Array | undefined, io: CommandIo): string {
  const shrunk = shrinkForDisplay(image, 28);
  const before = renderBlockArt(shrunk.pixels, { width: shrunk.width, color: io.color });
  const blocks = [["input", ...before]];
  if (normalized) {
    blocks.push(["network input (28x28)", ...renderBlockArt(normalized, { color: io.color })]);
  }
  return joinColumns(blocks, 4).join("\n");
}

/** Area-averages an image down to at most `maxWidth` columns, as ink-bright 0..1. */
function shrinkForDisplay(
  image: GrayImage,
  maxWidth: number,
): { pixels: Float32Array; width: number } {
  const scale = Math.max(1, Math.max(image.width, image.height) / maxWidth);
  const width = Math.max(1, Math.round(image.width / scale));
  const height = Math.max(1, Math.round(image.height / scale));
  const pixels = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      let n = 0;
      const y0 = Math.floor(y * scale), y1 = Math.min(image.height, Math.floor((y + 1) * scale));
      const x0 = Math.floor(x * scale), x1 = Math.min(image.width, Math.floor((x + 1) * scale));
      for (let yy = y0; yy < Math.max(y1, y0 + 1); yy++) {
        for (let xx = x0; xx < Math.max(x1, x0 + 1); xx++) {
          sum += image.luminance[yy * image.width + xx];
          n++;
        }
      }
      pixels[y * width + x] = 1 - sum / n; // show as is: dark ink on light paper stays dark
    }
  }
  return { pixels, width };
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
