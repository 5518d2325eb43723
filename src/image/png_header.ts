/** What a PNG's IHDR chunk says, read before any pixel is decoded. */
export interface PngHeader {
  width: number;
  height: number;
  /** Bits per sample: 1, 2, 4, 8 or 16. */
  bitDepth: number;
  /** 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA. */
  colorType: number;
  interlaced: boolean;
}

/** Bit depths the PNG specification allows for each color type. */
const ALLOWED_DEPTHS: Record<number, number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

/**
 * Reads the IHDR chunk that must follow the PNG signature. Cheap and allocation-free, so the
 * caller can refuse huge images before decoding them. Throws an Error saying what is wrong.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readPngHeader } from "./png_header.ts";
 *
 * const png = Uint8Array.fromBase64( // a 3x2 8-bit gray PNG
 *   "iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAAAAAC4HznGAAAADElEQVR42mP4zwCGAA/4A/3yDjLJAAAAAElFTkSuQmCC",
 * );
 * assert.deepEqual(readPngHeader(png), {
 *   width: 3,
 *   height: 2,
 *   bitDepth: 8,
 *   colorType: 0,
 *   interlaced: false,
 * });
 * ```
 */
export function readPngHeader(bytes: Uint8Array): PngHeader {
  if (bytes.length < 8 + 8 + 13) throw new Error("file ends inside the header");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunkLength = view.getUint32(8);
  const chunkType = String.fromCharCode(...bytes.subarray(12, 16));
  if (chunkType !== "IHDR" || chunkLength !== 13) throw new Error("first chunk is not IHDR");
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const bitDepth = bytes[24];
  const colorType = bytes[25];
  const interlace = bytes[28];
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) {
    throw new Error(`invalid size ${width}x${height}`);
  }
  const depths = ALLOWED_DEPTHS[colorType];
  if (depths === undefined) throw new Error(`invalid color type ${colorType}`);
  if (!depths.includes(bitDepth)) {
    throw new Error(`bit depth ${bitDepth} is invalid for color type ${colorType}`);
  }
  if (bytes[26] !== 0 || bytes[27] !== 0) throw new Error("unknown compression or filter method");
  if (interlace > 1) throw new Error(`unknown interlace method ${interlace}`);
  return { width, height, bitDepth, colorType, interlaced: interlace === 1 };
}
