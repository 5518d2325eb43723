import { inflateSync } from "node:zlib";
import type { GrayImage } from "./gray_image.ts";
import type { PngHeader } from "./png_header.ts";
import { PNG_CHANNELS, pngInflatedSize, pngSamples } from "./png_scanlines.ts";

/** Samples of a decoded PNG, one array entry per sample, plus what is needed to read them. */
interface PngSamples {
  /** [height x width x channels], values 0..2^depth-1 (palette indices for color type 3). */
  samples: Uint8Array | Uint16Array;
  /** [r, g, b] or [r, g, b, alpha] per entry, 0..255. */
  palette?: number[][];
  /** The transparent gray value or [r, g, b] key of color types 0 and 2. */
  transparency?: Uint16Array;
}

/** What the chunks hold, besides the header: the image data and the optional color tables. */
interface PngChunks {
  /** The IDAT chunks' payloads, concatenated: one zlib stream. */
  idat: Uint8Array;
  plte?: Uint8Array;
  trns?: Uint8Array;
}

/**
 * Decodes PNG bytes (whose header was already read and accepted) to luminance, compositing
 * alpha onto white. Throws an Error describing the corruption if the file is damaged.
 *
 * The image data is inflated once, by an inflater bounded to the size the header implies (a
 * few kilobytes of deflate can expand to gigabytes), then unfiltered and de-interlaced by
 * `pngSamples`. Ancillary chunks other than tRNS (text, ICC profiles, ...) are skipped
 * unread, so none of them is decompressed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodePng } from "./png.ts";
 * import { readPngHeader } from "./png_header.ts";
 * import { buildPng } from "./testdata/build_png.ts";
 *
 * // A 2x1 8-bit gray PNG: one black pixel, one white.
 * const raw = { width: 2, height: 1, colorType: 0, bitDepth: 8, samples: [0, 255] };
 * const bytes = await buildPng(raw);
 * const image = decodePng(bytes, readPngHeader(bytes));
 * assert.deepEqual(Array.from(image.luminance), [0, 1]);
 * ```
 */
export function decodePng(bytes: Uint8Array, header: PngHeader): GrayImage {
  const chunks = readChunks(bytes);
  if (chunks.idat.length === 0) throw new Error("no image data");
  const expected = pngInflatedSize(header);
  let inflated: Uint8Array;
  try {
    inflated = inflateSync(chunks.idat, { maxOutputLength: expected });
  } catch (error) {
    if (error instanceof RangeError) throw new Error("image data is larger than its header says");
    throw new Error(`image data: ${(error as Error).message}`);
  }
  if (inflated.length < expected) {
    throw new Error(`image data ends early (${inflated.length} of ${expected} bytes)`);
  }
  const decoded = {
    ...colorTables(chunks, header.colorType),
    samples: pngSamples(inflated, header),
  };
  return samplesToLuminance(decoded, header);
}

/** Walks the chunks, checking that each lies inside the file and that IEND is there. */
function readChunks(bytes: Uint8Array): PngChunks {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Uint8Array[] = [];
  let total = 0;
  let plte: Uint8Array | undefined;
  let trns: Uint8Array | undefined;
  let offset = 8;
  for (;;) {
    if (offset + 12 > bytes.length) throw new Error("file ends before the IEND chunk");
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const end = offset + 12 + length;
    if (end > bytes.length) throw new Error(`file ends inside a ${type} chunk`);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    if (type === "IDAT") {
      parts.push(data);
      total += length;
    } else if (type === "PLTE") plte = data;
    else if (type === "tRNS") trns = data;
    else if (type === "IEND") break;
    offset = end;
  }
  const idat = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    idat.set(part, at);
    at += part.length;
  }
  return { idat, plte, trns };
}

/**
 * The palette (color type 3), with its tRNS alphas, or the tRNS color key (types 0 and 2).
 * Refuses the malformed tables the PNG specification rules out, the same ones fast-png refused
 * when it decoded these files.
 */
function colorTables(
  chunks: PngChunks,
  colorType: number,
): Pick<PngSamples, "palette" | "transparency"> {
  const { plte, trns } = chunks;
  let palette: number[][] | undefined;
  if (plte !== undefined) {
    if (plte.length % 3 !== 0) {
      throw new Error(`PLTE length must be a multiple of 3, got ${plte.length}`);
    }
    palette = [];
    for (let j = 0; j < plte.length; j += 3) palette.push([plte[j], plte[j + 1], plte[j + 2]]);
  }
  if (trns === undefined) return { palette };
  if (colorType === 4 || colorType === 6) {
    throw new Error(`tRNS chunk in an image with an alpha channel (color type ${colorType})`);
  }
  if (colorType === 3) {
    const entries = palette?.length ?? 0;
    if (trns.length > entries) {
      throw new Error(`tRNS has ${trns.length} alpha values for ${entries} palette colors`);
    }
    // One alpha byte per entry; missing entries are opaque.
    palette?.forEach((entry, j) => entry.push(j < trns.length ? trns[j] : 255));
    return { palette };
  }
  if (trns.length % 2 !== 0) throw new Error(`tRNS length must be even, got ${trns.length}`);
  const transparency = new Uint16Array(trns.length >> 1);
  for (let j = 0; j < transparency.length; j++) {
    transparency[j] = (trns[2 * j] << 8) | trns[2 * j + 1];
  }
  return { palette, transparency };
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
