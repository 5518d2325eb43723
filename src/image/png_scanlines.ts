import type { PngHeader } from "./png_header.ts";

/** The seven Adam7 passes: first pixel (x, y) and step between pixels. */
export const ADAM7_PASSES = [
  { x: 0, y: 0, xStep: 8, yStep: 8 },
  { x: 4, y: 0, xStep: 8, yStep: 8 },
  { x: 0, y: 4, xStep: 4, yStep: 8 },
  { x: 2, y: 0, xStep: 4, yStep: 4 },
  { x: 0, y: 2, xStep: 2, yStep: 4 },
  { x: 1, y: 0, xStep: 2, yStep: 2 },
  { x: 0, y: 1, xStep: 1, yStep: 2 },
] as const;

/** A non-interlaced image is one pass over every pixel. */
const SINGLE_PASS = [{ x: 0, y: 0, xStep: 1, yStep: 1 }] as const;

/** Samples per pixel for each PNG color type. */
export const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * Size in bytes of the inflated IDAT stream: every scanline of every pass plus its filter byte.
 * Used to bound decompression (a small file must not inflate to gigabytes) and to detect
 * truncation.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pngInflatedSize } from "./png_scanlines.ts";
 *
 * // 3 rows of 1 filter byte + 4 RGB pixels of 3 bytes.
 * const header = { width: 4, height: 3, bitDepth: 8, colorType: 2, interlaced: false };
 * assert.equal(pngInflatedSize(header), 3 * (1 + 4 * 3));
 * ```
 */
export function pngInflatedSize(header: PngHeader): number {
  const bitsPerPixel = header.bitDepth * PNG_CHANNELS[header.colorType];
  let total = 0;
  for (const pass of header.interlaced ? ADAM7_PASSES : SINGLE_PASS) {
    const { width, height } = passSize(header, pass);
    if (width > 0 && height > 0) total += height * (1 + Math.ceil((width * bitsPerPixel) / 8));
  }
  return total;
}

/**
 * Unfilters and (for Adam7) de-interlaces the inflated IDAT stream into one array entry per
 * sample: [height x width x channels], values 0..2^depth-1 (palette indices for color type 3),
 * a Uint16Array at bit depth 16 and a Uint8Array below. Works in place on `inflated`, which
 * must hold at least `pngInflatedSize(header)` bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pngSamples } from "./png_scanlines.ts";
 *
 * // One row of three 8-bit gray pixels with the Sub filter (1): each byte adds the one before.
 * const header = { width: 3, height: 1, bitDepth: 8, colorType: 0, interlaced: false };
 * assert.deepEqual(Array.from(pngSamples(Uint8Array.from([1, 10, 5, 5]), header)), [10, 15, 20]);
 * ```
 */
export function pngSamples(inflated: Uint8Array, header: PngHeader): Uint8Array | Uint16Array {
  const { width, height, bitDepth } = header;
  const channels = PNG_CHANNELS[header.colorType];
  const samplesPerRow = width * channels;
  const out = bitDepth === 16
    ? new Uint16Array(height * samplesPerRow)
    : new Uint8Array(height * samplesPerRow);
  // Filters work on whole bytes; a pixel narrower than a byte counts as 1 byte.
  const filterStride = Math.max(1, (bitDepth * channels) >> 3);
  const mask = (1 << bitDepth) - 1;
  let offset = 0;
  for (const pass of header.interlaced ? ADAM7_PASSES : SINGLE_PASS) {
    const { width: passWidth, height: passHeight } = passSize(header, pass);
    if (passWidth <= 0 || passHeight <= 0) continue;
    const passSamples = passWidth * channels;
    const lineBytes = Math.ceil((passSamples * bitDepth) / 8);
    // The line above the first of a pass is all zeros (PNG spec section 9.2).
    let previous: Uint8Array = new Uint8Array(lineBytes);
    for (let row = 0; row < passHeight; row++) {
      const filter = inflated[offset];
      const line = inflated.subarray(offset + 1, offset + 1 + lineBytes);
      offset += 1 + lineBytes;
      unfilterLine(filter, line, previous, filterStride);
      previous = line;
      const rowStart = (pass.y + row * pass.yStep) * samplesPerRow;
      if (bitDepth === 8 && pass.xStep === 1) {
        out.set(line, rowStart);
        continue;
      }
      // [passWidth x channels] samples -> every xStep-th pixel of the image row.
      for (let col = 0; col < passWidth; col++) {
        const at = rowStart + (pass.x + col * pass.xStep) * channels;
        for (let c = 0; c < channels; c++) {
          const s = col * channels + c;
          if (bitDepth === 16) out[at + c] = (line[2 * s] << 8) | line[2 * s + 1];
          else if (bitDepth === 8) out[at + c] = line[s];
          else {
            // Packed below 8 bits, first sample in the high bits.
            const bit = s * bitDepth;
            out[at + c] = (line[bit >> 3] >> (8 - bitDepth - (bit & 7))) & mask;
          }
        }
      }
    }
  }
  return out;
}

/** Pixels per row and rows of one pass (0 for a pass the image is too small to have). */
function passSize(
  header: PngHeader,
  pass: { x: number; y: number; xStep: number; yStep: number },
): { width: number; height: number } {
  return {
    width: Math.ceil((header.width - pass.x) / pass.xStep),
    height: Math.ceil((header.height - pass.y) / pass.yStep),
  };
}

/** Reverses one PNG scanline filter in place (PNG spec section 9). */
function unfilterLine(filter: number, line: Uint8Array, previous: Uint8Array, stride: number) {
  const n = line.length;
  switch (filter) {
    case 0:
      return;
    case 1: // Sub
      for (let i = stride; i < n; i++) line[i] = (line[i] + line[i - stride]) & 0xff;
      return;
    case 2: // Up
      for (let i = 0; i < n; i++) line[i] = (line[i] + previous[i]) & 0xff;
      return;
    case 3: // Average
      for (let i = 0; i < stride && i < n; i++) line[i] = (line[i] + (previous[i] >> 1)) & 0xff;
      for (let i = stride; i < n; i++) {
        line[i] = (line[i] + ((line[i - stride] + previous[i]) >> 1)) & 0xff;
      }
      return;
    case 4: // Paeth
      for (let i = 0; i < stride && i < n; i++) line[i] = (line[i] + previous[i]) & 0xff;
      for (let i = stride; i < n; i++) {
        const a = line[i - stride], b = previous[i], c = previous[i - stride];
        const pa = Math.abs(b - c), pb = Math.abs(a - c), pc = Math.abs(a + b - 2 * c);
        const predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        line[i] = (line[i] + predictor) & 0xff;
      }
      return;
    default:
      throw new Error(`unknown scanline filter ${filter}`);
  }
}
