import { UserError } from "../errors.ts";
import type { GrayImage } from "./gray_image.ts";
import { describeOtherFormat, sniffImageFormat } from "./image_format.ts";
import { decodeJpeg } from "./jpeg.ts";
import { readJpegHeader } from "./jpeg_header.ts";
import { decodePng } from "./png.ts";
import { readPngHeader } from "./png_header.ts";

export type { GrayImage } from "./gray_image.ts";

/** Largest image we decode, in megapixels (10^6 pixels): a 40 MP RGBA image is 160 MB raw. */
export const MAX_MEGAPIXELS = 40;

/** Largest file we read: well above any 40 MP PNG, far below what would exhaust memory. */
export const MAX_FILE_BYTES = 512 * 1024 * 1024;

/**
 * Reads and decodes a PNG or JPEG file to luminance (alpha composited onto white).
 * Anything wrong with the file (missing, not an image, corrupt, too large) is a one-line
 * UserError naming the path.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeImageFile } from "./decode.ts";
 *
 * const image = await decodeImageFile("src/image/testdata/ring_gray_baseline.jpg");
 * assert.deepEqual([image.width, image.height], [24, 20]);
 * await assert.rejects(decodeImageFile("no_such.png"), { message: "no_such.png: no such file" });
 * ```
 */
export async function decodeImageFile(path: string): Promise<GrayImage> {
  let bytes: Uint8Array;
  try {
    const info = await Deno.stat(path);
    if (info.isDirectory) throw new UserError(`${path}: is a folder, expected a PNG or JPEG file`);
    // A device or pipe (/dev/zero, a FIFO) would be read forever or block.
    if (!info.isFile) {
      throw new UserError(`${path}: not a regular file, expected a PNG or JPEG file`);
    }
    if (info.size > MAX_FILE_BYTES) {
      throw new UserError(
        `${path}: file is ${formatMegabytes(info.size)}; the limit is ${
          formatMegabytes(MAX_FILE_BYTES)
        }`,
      );
    }
    bytes = await Deno.readFile(path);
  } catch (error) {
    if (error instanceof UserError) throw error;
    if (error instanceof Deno.errors.NotFound) throw new UserError(`${path}: no such file`);
    throw new UserError(`${path}: cannot read the file (${(error as Error).message})`);
  }
  return decodeImageBytes(bytes, path);
}

/**
 * Decodes PNG or JPEG bytes to luminance, recognizing the format by its magic bytes (a JPEG
 * named ".png" still decodes). `fileName` only names the file in errors. The size is read
 * from the header and checked against MAX_MEGAPIXELS before any pixel is allocated.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeImageBytes } from "./decode.ts";
 *
 * // A 3x2 gray PNG: white, black, white in each row.
 * const png = Uint8Array.fromBase64(
 *   "iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAAAAAC4HznGAAAADElEQVR42mP4zwCGAA/4A/3yDjLJAAAAAElFTkSuQmCC",
 * );
 * const image = decodeImageBytes(png, "stripe.png");
 * assert.deepEqual(Array.from(image.luminance), [1, 0, 1, 1, 0, 1]);
 * ```
 */
export function decodeImageBytes(bytes: Uint8Array, fileName: string): GrayImage {
  if (bytes.length === 0) {
    throw new UserError(`${fileName}: empty file, expected a PNG or JPEG image`);
  }
  const format = sniffImageFormat(bytes);
  if (format === "png") {
    const header = corruptOnError(fileName, "PNG", () => readPngHeader(bytes));
    checkPixelBudget(fileName, header.width, header.height);
    return corruptOnError(fileName, "PNG", () => decodePng(bytes, header));
  }
  if (format === "jpeg") {
    const header = corruptOnError(fileName, "JPEG", () => readJpegHeader(bytes));
    if (header.coding !== "baseline" && header.coding !== "progressive") {
      throw new UserError(
        `${fileName}: unsupported JPEG (${header.coding} coding); save it as a standard JPEG or PNG`,
      );
    }
    if (header.precision !== 8) {
      throw new UserError(
        `${fileName}: unsupported JPEG (${header.precision}-bit samples); save it as a standard JPEG or PNG`,
      );
    }
    checkPixelBudget(fileName, header.width, header.height);
    return corruptOnError(fileName, "JPEG", () => decodeJpeg(bytes, header));
  }
  const other = describeOtherFormat(bytes);
  throw new UserError(`${fileName}: not a PNG or JPEG image${other ? ` (it is ${other})` : ""}`);
}

function checkPixelBudget(fileName: string, width: number, height: number): void {
  const megapixels = (width * height) / 1e6;
  if (megapixels > MAX_MEGAPIXELS) {
    const shown = megapixels >= 100 ? Math.round(megapixels) : Number(megapixels.toFixed(1));
    throw new UserError(
      `${fileName}: image is ${width}x${height} (${shown} MP); the limit is ${MAX_MEGAPIXELS} MP`,
    );
  }
  if (width === 0 || height === 0) {
    throw new UserError(`${fileName}: truncated or corrupt image (size ${width}x${height})`);
  }
}

/** Decoders throw all sorts of things on damaged input; turn each into one readable line. */
function corruptOnError<T>(fileName: string, kind: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const oneLine = reason.split("\n")[0].slice(0, 120);
    throw new UserError(`${fileName}: truncated or corrupt ${kind} (${oneLine})`);
  }
}

function formatMegabytes(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}
