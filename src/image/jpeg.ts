import jpeg from "jpeg-js";
import type { GrayImage } from "./gray_image.ts";
import type { JpegHeader } from "./jpeg_header.ts";
import { applyExifOrientation } from "./orientation.ts";
import { decodeJpegLuma } from "./jpeg_luma.ts";

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
  // The luminance alone, when the file allows it: the same plane, several times faster.
  const luma = firstChannelIsLuminance(header) ? decodeJpegLuma(bytes) : undefined;
  if (luma !== undefined && luma.width === header.width && luma.height === header.height) {
    return applyExifOrientation(luma, header.orientation);
  }
  const decoded = jpeg.decode(bytes, {
    useTArray: true,
    formatAsRGBA: false,
    // Keeps three-component planes as stored unless an Adobe segment asks for the YCbCr->RGB
    // transform: luminance is then the Y plane itself, and RGB stored as RGB stays RGB (jpeg-js's
    // default would transform it as if it were YCbCr). Gray and four-component files decode as
    // they would by default.
    colorTransform: false,
    // Photos up to the 40 MP limit need ~12 bytes per pixel while decoding.
    maxMemoryUsageInMB: 1024,
    maxResolutionInMP: 100,
  });
  const { width, height, data } = decoded;
  if (width !== header.width || height !== header.height) {
    throw new Error("decoder disagrees with the header about the size");
  }
  // Three channels either way: jpeg-js copies a gray plane into all three.
  const luminance = new Float32Array(width * height);
  if (firstChannelIsLuminance(header)) {
    for (let i = 0, s = 0; i < luminance.length; i++, s += 3) luminance[i] = data[s] / 255;
  } else {
    // JFIF's Y, the same weights that the YCbCr transform uses.
    for (let i = 0, s = 0; i < luminance.length; i++, s += 3) {
      luminance[i] = (0.299 * data[s] + 0.587 * data[s + 1] + 0.114 * data[s + 2]) / 255;
    }
  }
  return applyExifOrientation({ width, height, luminance }, header.orientation);
}

/**
 * Whether, with colorTransform off, jpeg-js's first channel is the luminance: a gray image, or
 * three components left as stored that are YCbCr by libjpeg-turbo's reading (djpeg's, and the
 * browsers'): a JFIF segment says YCbCr; else an Adobe transform 0 or the ids "R", "G", "B" say
 * RGB; else YCbCr. Any other Adobe transform makes jpeg-js convert to RGB itself.
 */
function firstChannelIsLuminance(header: JpegHeader): boolean {
  const ids = header.componentIds;
  if (ids.length === 1) return true;
  if (ids.length !== 3) return false;
  const transform = header.adobeTransform;
  if (transform !== undefined && transform !== 0) return false;
  if (header.jfif) return true;
  if (transform === 0) return false;
  return !(ids[0] === 0x52 && ids[1] === 0x47 && ids[2] === 0x42);
}

/** Searches after the frame header only: an EXIF thumbnail before it has its own EOI. */
function hasEndMarker(bytes: Uint8Array, from: number): boolean {
  for (let i = bytes.length - 2; i >= from; i--) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return true;
  }
  return false;
}
