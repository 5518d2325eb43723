/** The formats we decode. */
export type ImageFormat = "png" | "jpeg";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Identifies PNG and JPEG files by their magic bytes (never by the file name, which users get
 * wrong: a phone's ".png" is often a JPEG).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sniffImageFormat } from "./image_format.ts";
 *
 * assert.equal(sniffImageFormat(new Uint8Array([0xff, 0xd8, 0xff, 0xe0])), "jpeg");
 * assert.equal(sniffImageFormat(new TextEncoder().encode("GIF89a")), undefined);
 * ```
 */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (startsWith(bytes, PNG_SIGNATURE)) return "png";
  // SOI marker followed by the 0xff of the next marker.
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "jpeg";
  return undefined;
}

/**
 * Names what a file we cannot decode really is, so the error can say "a GIF image" rather than
 * only "not a PNG or JPEG"; undefined when we do not recognize it either.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeOtherFormat } from "./image_format.ts";
 *
 * assert.equal(describeOtherFormat(new TextEncoder().encode("GIF89a...")), "a GIF image");
 * ```
 */
export function describeOtherFormat(bytes: Uint8Array): string | undefined {
  const ascii = (start: number, end: number) =>
    String.fromCharCode(...bytes.subarray(start, Math.min(end, bytes.length)));
  if (ascii(0, 4) === "GIF8") return "a GIF image";
  if (ascii(0, 2) === "BM") return "a BMP image";
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "a WebP image";
  if (ascii(4, 8) === "ftyp") {
    const brand = ascii(8, 12);
    if (brand.startsWith("avi")) return "an AVIF image";
    if (brand.startsWith("hei") || brand.startsWith("hev") || brand.startsWith("mif")) {
      return "a HEIC image";
    }
  }
  if (ascii(0, 4) === "II*\0" || ascii(0, 4) === "MM\0*") return "a TIFF image";
  if (ascii(0, 5) === "%PDF-") return "a PDF document";
  if (ascii(0, 5) === "<?xml" || ascii(0, 4) === "<svg") return "an SVG or XML file";
  return undefined;
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  if (bytes.length < prefix.length) return false;
  return prefix.every((byte, i) => bytes[i] === byte);
}
