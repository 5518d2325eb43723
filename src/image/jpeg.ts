import jpeg from "jpeg-js";
import type { GrayImage } from "./gray_image.ts";
import type { JpegHeader } from "./jpeg_header.ts";
import { applyExifOrientation } from "./orientation.ts";

/**
 * Decodes JPEG bytes (whose header was already read and accepted) to upright luminance.
 * Throws an Error describing the corruption if the file is damaged.
 */
export function decodeJpeg(bytes: Uint8Array, header: JpegHeader): GrayImage {
  // jpeg-js quietly returns a partly gray image for a truncated file; the end-of-image marker
  // is the cheap way to notice. Entropy-coded data escapes 0xff, so 0xff 0xd9 is only EOI.
  if (!hasEndMarker(bytes, header.frameEnd)) {
    throw new Error("no end-of-image marker: the file is cut short");
  }
  const decoded = jpeg.decode(bytes, {
    useTArray: true,
    formatAsRGBA: false,
    // Photos up to the 40 MP limit need ~12 bytes per pixel while decoding.
    maxMemoryUsageInMB: 1024,
    maxResolutionInMP: 100,
  });
  const { width, height, data } = decoded;
  if (width !== header.width || height !== header.height) {
    throw new Error("decoder disagrees with the header about the size");
  }
  const luminance = new Float32Array(width * height);
  for (let i = 0, s = 0; i < luminance.length; i++, s += 3) {
    luminance[i] = (0.299 * data[s] + 0.587 * data[s + 1] + 0.114 * data[s + 2]) / 255;
  }
  return applyExifOrientation({ width, height, luminance }, header.orientation);
}

/** Searches after the frame header only: an EXIF thumbnail before it has its own EOI. */
function hasEndMarker(bytes: Uint8Array, from: number): boolean {
  for (let i = bytes.length - 2; i >= from; i--) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return true;
  }
  return false;
}
