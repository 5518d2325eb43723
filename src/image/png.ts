import { inflateSync } from "node:zlib";
import { decode as fastPngDecode } from "fast-png";
import type { GrayImage } from "./gray_image.ts";
import { decodeAdam7Samples, PNG_CHANNELS, pngInflatedSize } from "./png_adam7.ts";
import type { PngHeader } from "./png_header.ts";

/** Samples of a decoded PNG, one array entry per sample, plus what is needed to read them. */
interface PngSamples {
  /** [height x width x channels], values 0..2^depth-1 (palette indices for color type 3). */
  samples: Uint8Array | Uint16Array;
  palette?: number[][];
  transparency?: Uint16Array;
}

/**
 * Decodes PNG bytes (whose header was already read and accepted) to luminance, compositing
 * alpha onto white. Throws an Error describing the corruption if the file is damaged.
 *
 * Every color type and bit depth goes through fast-png, except interlaced images below 8 bits,
 * which fast-png mis-decodes and `decodeAdam7Samples` handles.
 */
export function decodePng(bytes: Uint8Array, header: PngHeader): GrayImage {
  const { idat, chunkCount } = collectImageData(bytes);
  if (idat.length === 0) throw new Error("no image data");
  const expected = pngInflatedSize(header);
  let inflated: Uint8Array;
  try {
    // Bounded: a few kilobytes of deflate can expand to gigabytes.
    inflated = inflateSync(idat, { maxOutputLength: expected });
  } catch (error) {
    if (error instanceof RangeError) throw new Error("image data is larger than its header says");
    throw new Error(`image data: ${(error as Error).message}`);
  }
  if (inflated.length < expected) {
    throw new Error(`image data ends early (${inflated.length} of ${expected} bytes)`);
  }
  const decoded = header.interlaced && header.bitDepth < 8
    ? {
      ...readPaletteAndTransparency(bytes, chunkCount),
      samples: decodeAdam7Samples(inflated, header),
    }
    : fastPngSamples(bytes, header);
  return samplesToLuminance(decoded, header);
}

/** Walks the chunks, checking that each lies inside the file and that IEND is there. */
function collectImageData(bytes: Uint8Array): { idat: Uint8Array; chunkCount: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Uint8Array[] = [];
  let total = 0;
  let offset = 8;
  let chunkCount = 0;
  for (;;) {
    if (offset + 12 > bytes.length) throw new Error("file ends before the IEND chunk");
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const end = offset + 12 + length;
    if (end > bytes.length) throw new Error(`file ends inside a ${type} chunk`);
    chunkCount++;
    if (type === "IDAT") {
      parts.push(bytes.subarray(offset + 8, offset + 8 + length));
      total += length;
    }
    if (type === "IEND") break;
    offset = end;
  }
  const idat = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    idat.set(part, at);
    at += part.length;
  }
  return { idat, chunkCount };
}

/** PLTE and tRNS for the images fast-png cannot decode (it fails before returning them). */
function readPaletteAndTransparency(
  bytes: Uint8Array,
  chunkCount: number,
): Pick<PngSamples, "palette" | "transparency"> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let palette: number[][] | undefined;
  let trns: Uint8Array | undefined;
  let offset = 8;
  for (let i = 0; i < chunkCount; i++) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    if (type === "PLTE") {
      palette = [];
      for (let j = 0; j + 2 < data.length; j += 3) {
        palette.push([data[j], data[j + 1], data[j + 2]]);
      }
    }
    if (type === "tRNS") trns = data;
    offset += 12 + length;
  }
  if (trns === undefined) return { palette };
  if (palette !== undefined) {
    // Palette alpha: one byte per entry, missing entries are opaque (as fast-png does).
    palette.forEach((entry, j) => entry.push(j < trns.length ? trns[j] : 255));
    return { palette };
  }
  const transparency = new Uint16Array(trns.length >> 1);
  for (let j = 0; j < transparency.length; j++) {
    transparency[j] = (trns[2 * j] << 8) | trns[2 * j + 1];
  }
  return { transparency };
}

function fastPngSamples(bytes: Uint8Array, header: PngHeader): PngSamples {
  const png = fastPngDecode(bytes);
  if (png.width !== header.width || png.height !== header.height) {
    throw new Error("decoder disagrees with the header about the size");
  }
  const samples = header.bitDepth < 8
    ? unpackRows(png.data as Uint8Array, header)
    : (png.data as Uint8Array | Uint16Array);
  return { samples, palette: png.palette, transparency: png.transparency };
}

/** fast-png leaves 1/2/4-bit rows packed (first pixel in the high bits); spread to a byte each. */
function unpackRows(packed: Uint8Array, header: PngHeader): Uint8Array {
  const { width, height, bitDepth } = header;
  const rowBytes = Math.ceil((width * bitDepth) / 8);
  const mask = (1 << bitDepth) - 1;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * bitDepth;
      out[y * width + x] = (packed[y * rowBytes + (bit >> 3)] >> (8 - bitDepth - (bit & 7))) & mask;
    }
  }
  return out;
}

/** Rec. 601 luma of each pixel, alpha composited onto white: L = a * luma + (1 - a). */
function samplesToLuminance(decoded: PngSamples, header: PngHeader): GrayImage {
  const { width, height, colorType } = header;
  const { samples, palette, transparency } = decoded;
  const channels = PNG_CHANNELS[colorType];
  const scale = 1 / ((1 << header.bitDepth) - 1);
  const count = width * height;
  if (samples.length < count * channels) throw new Error("decoded data is too short");
  const luminance = new Float32Array(count);
  const luma = (r: number, g: number, b: number) => 0.299 * r + 0.587 * g + 0.114 * b;
  if (colorType === 3) {
    if (palette === undefined || palette.length === 0) {
      throw new Error("palette image without PLTE");
    }
    // Precompute each palette entry's composited luminance once.
    const table = palette.map(([r, g, b, a = 255]) => {
      const alpha = a / 255;
      return (alpha * luma(r, g, b)) / 255 + (1 - alpha);
    });
    for (let i = 0; i < count; i++) {
      const entry = table[samples[i]];
      if (entry === undefined) throw new Error(`palette index ${samples[i]} out of range`);
      luminance[i] = entry;
    }
    return { width, height, luminance };
  }
  for (let i = 0; i < count; i++) {
    const s = i * channels;
    let value: number;
    let alpha = 1;
    if (colorType === 0) {
      value = samples[s] * scale;
      if (transparency !== undefined && samples[s] === transparency[0]) alpha = 0;
    } else if (colorType === 4) {
      value = samples[s] * scale;
      alpha = samples[s + 1] * scale;
    } else {
      value = luma(samples[s], samples[s + 1], samples[s + 2]) * scale;
      if (colorType === 6) alpha = samples[s + 3] * scale;
      else if (
        transparency !== undefined && samples[s] === transparency[0] &&
        samples[s + 1] === transparency[1] && samples[s + 2] === transparency[2]
      ) alpha = 0;
    }
    luminance[i] = alpha * value + (1 - alpha);
  }
  return { width, height, luminance };
}
